/**
 * Opening a chat at a message (a search hit, `/chat/<id>?message=<message id>`): a window of the
 * chat's branch around that message, however far back it is, read in one request with the
 * messages endpoint's `around` (the API walks the branch, routes/session-messages.ts). The
 * window's `newer_cursor` says that newer messages follow it: the chat then pages down with
 * `after` and up with `before`, and holds live updates off until the reader goes to the newest
 * messages (ChatState). A message not on the chat's shown branch (another chat's, deleted, or
 * a version the caller may not switch to) says so, and the chat opens at its newest messages.
 */
import { ApiError, ok, type Api, type MessagePage } from '$lib/api';

/** Messages in the window: the one asked for, context above it and some after it. */
const WINDOW = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Jump {
  /** The message asked for. */
  id: string;
  /** It is in the page: the chat opens on it. */
  found: boolean;
  /** Why it is not (shown in the chat, which opens at its newest messages). */
  note: string | null;
}

const NOT_HERE = 'That message is not in this chat: it may have been deleted, or it is on another version of the conversation. Showing the latest messages.';

/** The chat's first page: its newest messages, or the window around `messageId` when it is on the branch shown. */
export async function openChat(api: Api, sessionId: string, messageId: string | null): Promise<{ page: MessagePage; jump: Jump | null }> {
  const newest = () => ok(api.GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit: WINDOW } } }));
  if (messageId === null) return { page: await newest(), jump: null };
  const missing = async () => ({ page: await newest(), jump: { id: messageId, found: false, note: NOT_HERE } });
  if (!UUID.test(messageId)) return await missing();
  try {
    const page = await ok(api.GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit: WINDOW, around: messageId } } }));
    return { page, jump: { id: messageId, found: true, note: null } };
  } catch (err) {
    // Not on the branch shown, or no such chat: the newest page tells which (its 404 fails the load).
    if (err instanceof ApiError && err.status === 404) return await missing();
    throw err;
  }
}
