import { describe, expect, it } from 'vitest';
import type { Message } from '$lib/api';
import { messagePlaces, placeLabel } from './message-places';

const row = (id: string, branch_depth?: number): Message => ({
  id, session_id: 's', sender: 'user', content: id, status: 'complete', error: null, provider: null, model: null,
  token_count: null, created_at: '2026-12-01T00:00:00Z', ...(branch_depth !== undefined ? { branch_depth } : {}),
});
const labels = (messages: Message[], fromFirst: boolean, toNewest: boolean) => messagePlaces(messages, fromFirst, toNewest).map(placeLabel);

// QA 7: fifty articles named "Your message" / "Assistant message", none numbered.
describe('message places', () => {
  it('numbers a whole branch 1 to n, of n', () => {
    expect(labels([row('a', 0), row('b', 1), row('c', 2)], true, true)).toEqual(['Message 1 of 3', 'Message 2 of 3', 'Message 3 of 3']);
  });

  it("numbers the newest page of a long branch by each message's depth, not its index in the view", () => {
    expect(labels([row('x', 70), row('y', 71)], false, true)).toEqual(['Message 71 of 72', 'Message 72 of 72']);
  });

  it('leaves the count unsaid in a window further back, whose newest messages are not read', () => {
    expect(labels([row('h', 11), row('i', 12)], false, false)).toEqual(['Message 12', 'Message 13']);
  });

  it("places this tab's own rows (no depth yet) after the one before them, and counts them", () => {
    expect(labels([row('x', 40), row('pending-user-1'), row('pending-assistant-1')], false, true))
      .toEqual(['Message 41 of 43', 'Message 42 of 43', 'Message 43 of 43']);
    expect(labels([row('pending-user-1'), row('pending-assistant-1')], true, true)).toEqual(['Message 1 of 2', 'Message 2 of 2']);
  });

  it('says nothing where the place is unknown (rows without depths from a server before them, older pages unread)', () => {
    expect(labels([row('a'), row('b')], false, true)).toEqual([null, null]);
    expect(messagePlaces([], true, true)).toEqual([]);
  });
});
