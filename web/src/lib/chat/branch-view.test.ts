// The branch rules of the chat view: rows of other branches (a regenerated answer's sibling,
// an edit's old question) never slip into the view; a page read from after a switch replaces it.
import { describe, expect, it } from 'vitest';
import type { Message } from '../api/index.ts';
import { continuesBranch, pageExtendsView } from './branch-view.ts';

const msg = (id: string, parent_id: string | null | undefined, sender: Message['sender'] = 'user'): Message => ({
  id, parent_id, session_id: 's1', sender, content: id, status: 'complete', error: null, provider: null, model: null,
  token_count: null, created_at: '2026-12-01T00:00:00Z',
});

describe('continuesBranch', () => {
  const shown = [msg('q1', null), msg('a1', 'q1', 'assistant')];

  it('takes a reply to the last message shown, and a first message into an empty chat', () => {
    expect(continuesBranch(shown, { parent_id: 'a1' })).toBe(true);
    expect(continuesBranch([], { parent_id: null })).toBe(true);
  });

  it('refuses a sibling (another answer to q1, another first question) and a reply elsewhere', () => {
    expect(continuesBranch(shown, { parent_id: 'q1' })).toBe(false);
    expect(continuesBranch(shown, { parent_id: null })).toBe(false);
    expect(continuesBranch(shown, { parent_id: 'elsewhere' })).toBe(false);
  });

  it('looks past drafts of a send in flight to the last stored message', () => {
    const sending = [...shown, msg('pending-user-1', undefined), msg('pending-assistant-1', undefined, 'assistant')];
    expect(continuesBranch(sending, { parent_id: 'a1' })).toBe(true);
  });

  it('takes a copy without the column (sent before branches existed)', () => {
    expect(continuesBranch(shown, { parent_id: undefined })).toBe(true);
  });
});

describe('pageExtendsView', () => {
  it('is true while the page still holds the last message shown, false after a switch elsewhere', () => {
    const shown = [msg('q1', null), msg('a1', 'q1', 'assistant')];
    expect(pageExtendsView(shown, [{ id: 'q1' }, { id: 'a1' }, { id: 'q2' }])).toBe(true);
    expect(pageExtendsView(shown, [{ id: 'q1' }, { id: 'a2' }])).toBe(false);
    expect(pageExtendsView([], [{ id: 'q1' }])).toBe(true);
  });
});
