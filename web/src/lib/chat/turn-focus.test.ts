// Which turn a message is, for giving focus back to it once it is drawn again: every version of
// a turn (a regenerated answer, an edited question, a draft still being sent) is the same turn;
// the next turn, or the other side of the same one, is not. (The focus itself: tests/e2e/keyboard.test.ts.)
import { describe, expect, it } from 'vitest';
import { turnOf } from './turn-focus.ts';

const row = (id: string, sender: 'user' | 'assistant', parent_id?: string | null) => ({ id, sender, parent_id });

describe('turnOf', () => {
  it('is the same for every version of a turn, drafts included', () => {
    const shown = [row('q1', 'user', null), row('a1', 'assistant', 'q1')];
    const regenerated = [row('q1', 'user', null), row('pending-assistant-1', 'assistant')];
    const otherVersion = [row('q1', 'user', null), row('a2', 'assistant', 'q1')];
    expect(turnOf(regenerated, 1)).toBe(turnOf(shown, 1));
    expect(turnOf(otherVersion, 1)).toBe(turnOf(shown, 1));
    // An edited first question is the first turn still.
    expect(turnOf([row('q2', 'user', null)], 0)).toBe(turnOf(shown, 0));
  });

  it('tells turns apart: the question from its answer, and a turn from the next', () => {
    const shown = [row('q1', 'user', null), row('a1', 'assistant', 'q1'), row('q2', 'user', 'a1'), row('a2', 'assistant', 'q2')];
    const keys = shown.map((_, i) => turnOf(shown, i));
    expect(new Set(keys).size).toBe(4);
  });

  it('uses the parent id for the first message of a page whose older messages are not loaded', () => {
    const page = [row('q7', 'user', 'a6'), row('a7', 'assistant', 'q7')];
    const full = [row('a6', 'assistant', 'q6'), row('q7', 'user', 'a6')];
    expect(turnOf(page, 0)).toBe(turnOf(full, 1));
  });
});
