// How far down a list of chats read a page at a time (GET /api/sessions: newest first, by
// last_message_at then id, `limit` ≤ 100 and `next_cursor`) the pages read so far reach: the
// sidebar reads the next page when scrolled to its end, and a re-read of the list (after
// Realtime rejoined, or a signal) reads as many pages again, so that it neither drops the
// chats of pages 2+ nor takes them for deleted.

/** A page of the list: the API's largest (GET /api/sessions `limit` ≤ 100). */
export const PAGE = 100;

/** The sort key of a chat in the list. */
export interface Keyed {
  id: string;
  last_message_at: string;
}

/** The pages read: every chat at or above `oldest` (the last one read) is in them; `next` is
 * the cursor of the page after (null: they hold the whole list). */
export interface Span {
  oldest: Keyed | null;
  next: string | null;
}

/** The first page as the layout read it: where it ends, and how many chats it held. */
export interface FirstPage {
  next: string | null;
  oldest: Keyed | null;
  count: number;
}

/** Newest first, as the API orders them (ties: the larger id first). */
export const byRecent = (a: Keyed, b: Keyed) =>
  a.last_message_at !== b.last_message_at ? (a.last_message_at < b.last_message_at ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/** Whether a chat is among the ones the pages read. `strict` leaves out chats active in the same
 * millisecond as the last one read: the API orders by microseconds, its rows carry milliseconds,
 * so one of those may be on the next page (a chat missing from the pages is taken for gone only
 * when it is surely within them). */
export function within(item: Keyed, span: Span, strict = false): boolean {
  if (span.next === null || span.oldest === null) return true;
  const oldest = span.oldest;
  if (item.last_message_at !== oldest.last_message_at) return item.last_message_at > oldest.last_message_at;
  return !strict && byRecent(item, oldest) <= 0;
}

/** Whether the pages `b` reach further down the list than `a` do. */
export function deeper(b: Span, a: Span): boolean {
  if (a.next === null) return false;
  if (b.next === null) return true;
  if (!a.oldest) return b.oldest !== null;
  return b.oldest !== null && byRecent(b.oldest, a.oldest) > 0;
}

export interface SessionsPage<T extends Keyed> {
  sessions: T[];
  next_cursor: string | null;
}

/**
 * The list read again from its first page down as far as `span` reached (to its end when it
 * held the whole list, one page when it held none): what a re-read must cover so that the chats
 * it has are checked, and none are dropped for being on a later page.
 */
export async function readAgain<T extends Keyed>(
  read: (cursor: string | undefined) => Promise<SessionsPage<T>>,
  span: Span | null,
): Promise<{ rows: T[]; span: Span }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  let next: string | null;
  do {
    const page = await read(cursor);
    rows.push(...page.sessions);
    next = page.next_cursor;
    cursor = next ?? undefined;
  } while (next !== null && span !== null && (span.next === null || (span.oldest !== null && !reached(rows.at(-1), span.oldest))));
  return { rows, span: { oldest: rows.at(-1) ?? null, next } };
}

/** The last row read is at or below `oldest`. */
const reached = (last: Keyed | undefined, oldest: Keyed) => last !== undefined && byRecent(last, oldest) >= 0;
