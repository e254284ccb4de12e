// Several chats changed at once from the sidebar: moved with one API request each, a few at a
// time so that fifty chats neither queue behind the browser's connection limit nor flood the API
// (deleted ones go many to a request: lib/chat/pending-deletes.ts), and one message that says how many were done and which were not, and why — a partial
// failure is never reported as success.

/** What one request did for one item. */
export type Outcome<T> = { item: T; ok: true } | { item: T; ok: false; error: string };

/** What a failed request says to the person: the API's message, or that it did not answer. */
export const failureReason = (err: unknown): string => (err instanceof Error && err.message ? err.message : 'the API did not answer');

/** How many of a bulk action's requests run at once. */
export const AT_ONCE = 4;

/** Runs `request` for every item, at most `limit` at once; the outcomes come back in the items' order. */
export async function boundedAll<T>(items: readonly T[], limit: number, request: (item: T) => Promise<unknown>): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      try {
        await request(item);
        outcomes[index] = { item, ok: true };
      } catch (err) {
        outcomes[index] = { item, ok: false, error: failureReason(err) };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return outcomes;
}

export const chats = (n: number) => (n === 1 ? '1 chat' : `${n} chats`);

/** What the items are called in a bulk action's messages (chats unless said otherwise). */
export interface Noun {
  /** "1 chat", "3 chats". */
  count(n: number): string;
  /** "No chat": none of them. */
  none: string;
}

export const CHATS: Noun = { count: chats, none: 'No chat' };

/** How many failures are named one by one; the rest are counted. */
const NAMED = 3;

/**
 * The toast for a bulk action: `done` is what happened to each ("deleted", "moved to Travel").
 * All done: a success; any failed: an error naming them ("2 of 3 chats deleted; 1 could not be:
 * “Trip” (Session not found).").
 */
export function bulkSummary<T>(
  outcomes: readonly Outcome<T>[],
  name: (item: T) => string,
  done: string,
  noun: Noun = CHATS,
): { ok: boolean; message: string } {
  const failed = outcomes.filter((o): o is Extract<Outcome<T>, { ok: false }> => !o.ok);
  const succeeded = outcomes.length - failed.length;
  if (failed.length === 0) return { ok: true, message: `${noun.count(outcomes.length)} ${done}.` };
  const named = failed.slice(0, NAMED).map((o) => `“${name(o.item)}” (${o.error})`);
  if (failed.length > NAMED) named.push(`${failed.length - NAMED} more`);
  const head = succeeded === 0 ? `${noun.none} ${done}` : `${succeeded} of ${noun.count(outcomes.length)} ${done}`;
  return { ok: false, message: `${head}; ${failed.length} could not be: ${named.join(', ')}.` };
}
