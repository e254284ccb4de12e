// The branch rules of the chat view: rows of other branches (a regenerated answer's sibling,
// an edit's old question) never slip into the view; a page read from after a switch replaces it;
// a read that answers late neither drops nor overwrites nor revives what changed live meanwhile.
import { describe, expect, it } from 'vitest';
import type { Message } from '../api/index.ts';
import { mergeRow } from './answer-merge.ts';
import { branchAfterRead, continuesBranch, pageExtendsView, type ReadContext } from './branch-view.ts';

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

describe('branchAfterRead', () => {
  const at = (m: Message, created_at: string, extra: Partial<Message> = {}): Message => ({ ...m, created_at, ...extra });
  const q1 = at(msg('q1', null), '2026-12-01T00:00:01Z');
  const a1 = at(msg('a1', 'q1', 'assistant'), '2026-12-01T00:00:02Z');
  const q2 = at(msg('q2', 'a1'), '2026-12-01T00:00:03Z');
  const a2 = at(msg('a2', 'q2', 'assistant'), '2026-12-01T00:00:04Z');
  const read = (changed: string[] = [], gone: string[] = []): ReadContext => ({
    changedSince: (id) => changed.includes(id),
    gone: (id) => gone.includes(id),
    merge: (local, row) => mergeRow(local, row) ?? local,
  });

  it('keeps a question and its answer inserted live after the read began (the read lacks them)', () => {
    const view = branchAfterRead([q1, a1, q2, a2], [q1, a1], read(['q2', 'a2']));
    expect(view.map((m) => m.id)).toEqual(['q1', 'a1', 'q2', 'a2']);
  });

  it('drops rows the read lacks that did not change after it began (gone before it), and live rows that do not continue its branch', () => {
    expect(branchAfterRead([q1, a1, q2, a2], [q1, a1], read()).map((m) => m.id)).toEqual(['q1', 'a1']);
    // The read shows another branch (a sibling answer a1b): the live q2 under a1 is not on it.
    const a1b = at(msg('a1b', 'q1', 'assistant'), '2026-12-01T00:00:05Z');
    expect(branchAfterRead([q1, a1, q2], [q1, a1b], read(['q2'])).map((m) => m.id)).toEqual(['q1', 'a1b']);
  });

  it('never brings back a row removed live, though the read still has it', () => {
    const view = branchAfterRead([q1, a1], [q1, a1, q2, a2], read(['q2', 'a2'], ['q2', 'a2']));
    expect(view.map((m) => m.id)).toEqual(['q1', 'a1']);
  });

  it("keeps the tab's copy of a row updated live after the read began, with the versions only the read knows", () => {
    const live = { ...a2, content: 'the live copy', token_count: 9 };
    const siblings = { count: 2, index: 2, prev_id: 'a2-old', next_id: null };
    const stale = { ...a2, content: 'the read copy', token_count: 3, siblings };
    const view = branchAfterRead([q1, a1, q2, live], [q1, a1, q2, stale], read(['a2']));
    expect(view.at(-1)).toMatchObject({ content: 'the live copy', token_count: 9, siblings });
  });

  it("merges rows both have and nobody changed since as answer-merge does (a finished answer stays finished)", () => {
    const done = { ...a2, content: 'whole answer', status: 'complete' as const, latency_ms: 120 };
    const checkpoint = { ...a2, content: 'whole', status: 'streaming' as const, latency_ms: null };
    const view = branchAfterRead([q1, a1, q2, done], [q1, a1, q2, checkpoint], read());
    expect(view.at(-1)).toMatchObject({ content: 'whole answer', status: 'complete', latency_ms: 120 });
    const newer = { ...a2, content: 'whole answer', status: 'complete' as const, token_count: 12 };
    expect(branchAfterRead([q1, a1, q2, checkpoint], [q1, a1, q2, newer], read()).at(-1)).toMatchObject({ status: 'complete', token_count: 12 });
  });
});
