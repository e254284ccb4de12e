import { describe, expect, it } from 'vitest';
import { byRecent, deeper, readAgain, within, type Keyed, type SessionsPage } from './session-span';

const chat = (id: string, last_message_at: string): Keyed => ({ id, last_message_at });
const at = (minute: number) => `2026-12-06T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** A list of chats read `size` at a time, newest first, as GET /api/sessions pages it. */
function api(rows: Keyed[], size: number) {
  const sorted = [...rows].sort(byRecent);
  const asked: (string | undefined)[] = [];
  const read = async (cursor: string | undefined): Promise<SessionsPage<Keyed>> => {
    asked.push(cursor);
    const start = cursor ? Number(cursor) : 0;
    const sessions = sorted.slice(start, start + size);
    return { sessions, next_cursor: start + size < sorted.length ? String(start + size) : null };
  };
  return { read, asked };
}

describe('session spans', () => {
  const rows = Array.from({ length: 10 }, (_, i) => chat(`c${i}`, at(59 - i)));

  it('orders newest first, the larger id first on a tie', () => {
    const tie = [chat('a', at(1)), chat('b', at(1)), chat('c', at(2))];
    expect([...tie].sort(byRecent).map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('holds the chats at or above the last one read, all of them once the end was read', () => {
    const span = { oldest: rows[3]!, next: 'x' };
    expect(within(rows[2]!, span)).toBe(true);
    expect(within(rows[3]!, span)).toBe(true);
    expect(within(rows[4]!, span)).toBe(false);
    expect(within(rows[9]!, { oldest: rows[3]!, next: null })).toBe(true);
    // Same millisecond as the last read: maybe on the next page, so not surely within.
    expect(within(chat('c3a', rows[3]!.last_message_at), span, true)).toBe(false);
    expect(within(rows[2]!, span, true)).toBe(true);
  });

  it('knows which pages reach further', () => {
    const two = { oldest: rows[5]!, next: 'b' };
    const one = { oldest: rows[2]!, next: 'a' };
    expect(deeper(two, one)).toBe(true);
    expect(deeper(one, two)).toBe(false);
    expect(deeper({ oldest: rows[2]!, next: null }, two)).toBe(true);
    expect(deeper(two, { oldest: rows[9]!, next: null })).toBe(false);
  });

  it('reads again as many pages as were read (one when none were, all when the end was)', async () => {
    const list = api(rows, 3);
    expect((await readAgain(list.read, null)).rows).toHaveLength(3);
    const again = await readAgain(list.read, { oldest: rows[4]!, next: 'x' });
    expect(again.rows.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(again.span).toEqual({ oldest: rows[5], next: '6' });
    const all = await readAgain(list.read, { oldest: rows[9]!, next: null });
    expect(all.rows).toHaveLength(10);
    expect(all.span.next).toBeNull();
  });

  it('reads past the last chat it had when that one went meanwhile', async () => {
    const list = api(rows.filter((c) => c.id !== 'c5'), 3);
    const again = await readAgain(list.read, { oldest: rows[5]!, next: 'x' });
    expect(again.rows.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c6']);
  });
});
