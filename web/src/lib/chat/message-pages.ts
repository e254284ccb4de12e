// The reads of a chat's pages of messages, as the chat view makes them (chat-state.svelte.ts):
// the newest page of the active branch, the page before the oldest message shown, and the page
// after the newest one shown in a window opened further back. What the view does with a page
// (merging, the read clock) stays with the view.
import { ApiError, browserApi, ok, type Message, type MessagePage } from '$lib/api';

/** Messages a catch-up or a branch reload reads: enough to cover what a tab missed while away. */
const NEWEST_PAGE = 50;
/** Messages one step of paging through history reads. */
const HISTORY_PAGE = 30;

/** The newest page of the session's active branch. */
export function readNewestPage(sessionId: string): Promise<MessagePage> {
  return ok(browserApi().GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit: NEWEST_PAGE } } }));
}

/** The page of messages before `cursor` (the oldest shown). */
export function readOlderPage(sessionId: string, cursor: string): Promise<MessagePage> {
  return ok(browserApi().GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit: HISTORY_PAGE, before: cursor } } }));
}

/** The page of messages after `cursor` (the newest shown), or null when that message has left
 * the active branch meanwhile (switched or deleted elsewhere: the API answers 404). */
export async function readNewerPage(sessionId: string, cursor: string): Promise<MessagePage | null> {
  const read = ok(browserApi().GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit: HISTORY_PAGE, after: cursor } } }));
  return await read.catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
}

/** The messages of `page` not among `shown` (a live row may have brought one already). */
export function notShown(shown: readonly Message[], page: readonly Message[]): Message[] {
  const known = new Set(shown.map((m) => m.id));
  return page.filter((m) => !known.has(m.id));
}
