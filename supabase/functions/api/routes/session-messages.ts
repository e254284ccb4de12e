/**
 * GET /api/sessions/{id}/messages: a conversation's history as a chat shows it — its active
 * branch a page at a time (keyset: the newest page, then `before` older pages; or a window
 * `around` a message anywhere in it, then `after` newer pages, lib/chat/branch-window.ts),
 * each message with its author's display
 * name and its siblings (edits, regenerated answers), and a running answer as its latest
 * checkpoint. Opening a chat settles the answers whose process died. Whoever may read the
 * session through RLS (its owner, members and viewers of a group chat); anyone else gets 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { readBranchPage } from '../lib/chat/branch.ts';
import { readBranchAround, readBranchNewer, type BranchWindow } from '../lib/chat/branch-window.ts';
import type { AppEnv } from '../lib/context.ts';
import { decodeCursor, encodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { notFound } from '../lib/errors.ts';
import { optionalQuery } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { cursorParam, limitParam, takePage } from '../lib/pagination.ts';
import { MessageSchema, type MessageRow } from '../lib/resource-schemas.ts';

const MessagesQuery = z.strictObject({
  limit: limitParam(50, 100),
  before: optionalQuery(cursorParam).openapi({ param: { name: 'before', in: 'query' }, description: "A page's `next_cursor`: the messages before that page" }),
  after: optionalQuery(cursorParam).openapi({ param: { name: 'after', in: 'query' }, description: "A page's `newer_cursor`: the messages after that page, towards the newest" }),
  around: optionalQuery(z.uuid()).openapi({
    param: { name: 'around', in: 'query' },
    description: 'A message of the active branch (a search hit): the page is a window around it, however far back; 404 when it is not on the branch shown',
  }),
}).refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, { message: 'Pass at most one of before, after and around' });
const SiblingsSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Messages sharing this one\'s parent (1: no other versions)' }),
    index: z.number().int().openapi({ description: '1-based position among them, oldest first' }),
    prev_id: z.uuid().nullable(),
    next_id: z.uuid().nullable(),
  })
  .openapi('Siblings');
// A message as a chat shows it: with its author's display name (never an email), for group
// chats, its place on the branch (screen readers are told "Message 12 of 50"), and its siblings
// (the other versions of it: edits, regenerated answers).
const ChatMessage = MessageSchema.extend({
  author_name: z.string().nullable().openapi({ description: "The author's display name; null when the account was deleted" }),
  branch_depth: z.number().int().openapi({ description: 'The messages before it on the branch shown (0: the first): its place in the conversation' }),
  siblings: SiblingsSchema.openapi({ description: 'Other versions of this message (edits, regenerated answers); switch with POST /sessions/{id}/branch (routes/session-branches.ts)' }),
}).openapi('ChatMessage');
const MessagePage = z
  .object({
    messages: z.array(ChatMessage).openapi({ description: 'The active branch, oldest to newest' }),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `before` for older messages; null at the start' }),
    newer_cursor: z.string().nullable().openapi({
      description: 'Pass as `after` for newer messages (pages read `around` a message or `after` one); null when the page ends at the newest message, and on newest-first pages',
    }),
  })
  .openapi('MessagePage');

const tags = ['sessions'];
const routes = {
  messages: createRoute({
    method: 'get', path: '/{id}/messages', tags, security,
    summary: "A page of the session's active branch, newest page first, each page oldest to newest",
    request: { params: UuidParam(), query: MessagesQuery },
    responses: { 200: jsonResponse(MessagePage, 'Messages'), ...errorResponses(400, 401, 404) },
  }),
};

export const sessionMessagesRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionMessagesRoutes.use('*', requireUser);

sessionMessagesRoutes.openapi(routes.messages, async (c) => {
  const { id } = c.req.valid('param');
  const { limit, before, after, around } = c.req.valid('query');
  const { user, turns } = c.var;
  const older = before ? decodeCursor(before, timeIdCursor) : null;
  const newer = after ? decodeCursor(after, timeIdCursor) : null;
  // The newest page, or a window around a message: what opening a chat reads.
  const opening = !older && !newer;
  const read = () => c.var.db.withUserTransaction(user, async (sql) => {
    // The session (its rows are the owner's, also in a group chat the caller is a member of)
    // and the active branch, walked from its leaf (or from the parent of the previous page's
    // oldest message) one key lookup per message, sent together: one round trip, constant
    // cost at any depth. A session the caller may not see yields no row and no messages.
    const [[session], window] = await Promise.all([
      sql<{ user_id: string }[]>`select user_id from public.chat_sessions where id = ${id}`,
      readWindow(sql),
    ]);
    if (!session) return null;
    const rows = window?.rows ?? [];
    const authors = [...new Set(rows.map((r) => r.author_id).filter((a): a is string => a !== null))];
    const names = authors.length === 0 ? [] : await sql<{ user_id: string; display_name: string }[]>`
      select user_id, display_name from public.message_author_names(${id}, ${authors}::uuid[])`;
    return { ownerId: session.user_id, window, names: new Map(names.map((n) => [n.user_id, n.display_name])) };
    // Read only: the page is answered without waiting for the COMMIT's round trip (lib/db.ts).
  }, { readOnly: true, answerBeforeCommit: true });
  // Which part of the branch: a window (null when its message is not on the branch shown).
  const readWindow = async (sql: Parameters<typeof readBranchPage>[0]): Promise<BranchWindow | null> => {
    if (around) return await readBranchAround(sql, id, around, limit);
    if (newer) return await readBranchNewer(sql, id, newer.id, limit);
    return { rows: await readBranchPage(sql, id, limit, older?.id ?? null), size: limit, more: false };
  };
  // Opening a chat (its newest page) settles the session's answers whose process died (lease
  // lapsed) from their checkpoints. Most chats are the caller's own, whose rows are theirs:
  // that runs beside the read (it touches only the caller's rows, whatever the session), and
  // the page is read again if it settled anything. In a group chat the caller is a member of,
  // the rows are the owner's, settled once the read has named the owner.
  // A settle that fails (an answer the database refuses whatever is done) leaves that answer as
  // it is, streaming: the chat still opens, rather than every read of it failing.
  const settle = (ownerId: string) => turns.store.settleAbandoned(ownerId, { sessionId: id }).catch((error: unknown) => {
    c.var.log.error('chat settle failed', { message: error instanceof Error ? error.message : String(error) });
    return [];
  });
  const [first, settledOwn] = await Promise.all([read(), opening ? settle(user.id) : []]);
  if (!first) throw notFound('Session');
  let found = first;
  const settledOwner = opening && found.ownerId !== user.id ? await settle(found.ownerId) : [];
  if (settledOwn.length + settledOwner.length > 0) found = (await read()) ?? found;
  const { ownerId, window, names } = found;
  // Another chat's message, another branch's, or one deleted: as a message the caller cannot see.
  if (!window) throw notFound('Message');
  const page = takePage(window.rows, window.size, (row) => ({ t: row.cursor_t, id: row.id }));
  const messages = await Promise.all(page.items.map(async ({ cursor_t: _, ...message }) => ({
    ...(await withCheckpoint(c.var.turns, ownerId, message)),
    author_name: message.author_id ? (names.get(message.author_id) ?? null) : null,
  })));
  const newest = page.items[0];
  const newerCursor = window.more && newest ? encodeCursor({ t: newest.cursor_t, id: newest.id }) : null;
  return c.json({ messages: messages.reverse(), next_cursor: page.next_cursor, newer_cursor: newerCursor }, 200);
});

/** A streaming answer's row stays empty until it ends: show its latest checkpoint instead. */
export async function withCheckpoint<M extends MessageRow>(turns: AppEnv['Variables']['turns'], userId: string, message: M): Promise<M> {
  if (message.status !== 'streaming') return message;
  const stored = await turns.store.readAnswer(userId, message.id);
  if (!stored) return message;
  const text = (kind: 'content' | 'reasoning') => stored.units.filter((u) => u.kind === kind).map((u) => u.text).join('');
  return { ...message, content: text('content'), reasoning: text('reasoning'), seq: stored.units.at(-1)?.seq ?? 0 };
}
