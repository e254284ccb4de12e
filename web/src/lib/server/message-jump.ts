/**
 * Opening a chat at a message (a search hit, `/chat/<id>?message=<message id>`): the chat's
 * history from its newest message back to a little before that one, read with the messages
 * endpoint's `before` cursor a page at a time. The view stays one unbroken run ending at the
 * newest message — what the chat's live updates (ChatState.catchUp re-reads the newest page and
 * keeps it only when it joins what is shown) and "Jump to latest" rely on — so a window around
 * the message alone, with a gap after it, would be replaced by the newest page as soon as the
 * chat's channel joined. Reading stops after MAX_MESSAGES: a message further back says so and
 * the chat opens at its newest messages, as does a message that is not on the chat's shown
 * branch (another chat's, deleted, or a version the caller may not switch to).
 */
import { ok, type Api, type MessagePage } from '$lib/api';

/** How many messages a jump reads at most, besides the first page. */
export const MAX_MESSAGES = 2000;
/** Messages shown above the one jumped to, for context. */
const CONTEXT = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Jump {
  /** The message asked for. */
  id: string;
  /** It is in the page: the chat opens on it. */
  found: boolean;
  /** Why it is not (shown in the chat, which opens at its newest messages). */
  note: string | null;
}

/** The first page, extended back to `messageId` (and a few before it) when it is on the chat's branch. */
export async function pageThrough(api: Api, sessionId: string, first: MessagePage, messageId: string | null): Promise<{ page: MessagePage; jump: Jump | null }> {
  if (messageId === null) return { page: first, jump: null };
  const missing = { page: first, jump: { id: messageId, found: false, note: 'That message is not in this chat: it may have been deleted, or it is on another version of the conversation. Showing the latest messages.' } };
  if (!UUID.test(messageId)) return missing;
  let messages = first.messages;
  let cursor = first.next_cursor;
  const read = async (before: string, limit: number) => {
    const older = await ok(api.GET('/api/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { limit, before } } }));
    const known = new Set(messages.map((m) => m.id));
    messages = [...older.messages.filter((m) => !known.has(m.id)), ...messages];
    cursor = older.next_cursor;
  };
  while (!messages.some((m) => m.id === messageId) && cursor) {
    if (messages.length - first.messages.length >= MAX_MESSAGES) {
      return { page: first, jump: { id: messageId, found: false, note: `That message is more than ${MAX_MESSAGES.toLocaleString('en')} messages back, further than a chat opens at once. Showing the latest messages: scroll up to reach it.` } };
    }
    await read(cursor, 100);
  }
  const at = messages.findIndex((m) => m.id === messageId);
  if (at === -1) return missing;
  if (at < CONTEXT && cursor) await read(cursor, CONTEXT);
  return { page: { messages, next_cursor: cursor }, jump: { id: messageId, found: true, note: null } };
}
