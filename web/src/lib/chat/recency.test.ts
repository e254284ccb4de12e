import { describe, expect, it } from 'vitest';
import { byRecency } from './recency';

describe('byRecency', () => {
  // Local times: the groups follow the reader's midnight.
  const now = new Date(2026, 11, 3, 9, 30);
  const at = (y: number, m: number, d: number, h = 12) => new Date(y, m, d, h).toISOString();
  const chats = [
    { id: 'a', t: at(2026, 11, 3, 0) },
    { id: 'b', t: at(2026, 11, 2, 23) },
    { id: 'c', t: at(2026, 11, 2, 0) },
    { id: 'd', t: at(2026, 10, 27) },
    { id: 'e', t: at(2026, 10, 10) },
    { id: 'f', t: at(2026, 9, 20) },
    { id: 'g', t: at(2026, 9, 2) },
    { id: 'h', t: at(2025, 9, 2) },
  ];

  it('groups newest first into Today, Yesterday, the last 7 and 30 days, then months', () => {
    const groups = byRecency(chats, (c) => c.t, now, 'en-US');
    expect(groups.map((g) => [g.label, g.items.map((c) => c.id).join('')])).toEqual([
      ['Today', 'a'],
      ['Yesterday', 'bc'],
      ['Previous 7 days', 'd'],
      ['Previous 30 days', 'e'],
      ['October 2026', 'fg'],
      ['October 2025', 'h'],
    ]);
  });

  it('gives nothing for no chats', () => {
    expect(byRecency([], () => '', now)).toEqual([]);
  });
});
