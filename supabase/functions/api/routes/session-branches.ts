/**
 * The branches of a conversation (messages form a tree, lib/chat/branch.ts):
 * - POST /api/sessions/{id}/branch shows the branch through a message (its newest reply
 *   becomes the session's active leaf; other tabs follow the chat_sessions row over Realtime);
 * - DELETE /api/sessions/{id}/messages/{message_id} deletes a message and every reply beneath
 *   it, and (through app.ts's drain after every DELETE) the Storage objects of their files.
 * The session's owner only: a group member gets 403, anyone else 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import { turnRunning } from '../lib/chat/turn-rows.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const BranchRequest = z
  .strictObject({ message_id: z.uuid().openapi({ description: 'Any message of the session: its branch (down to its newest reply) is shown' }) })
  .openapi('BranchRequest');
const BranchResult = z.object({ active_leaf_id: z.uuid() }).openapi('BranchResult');
const MessageParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  message_id: z.uuid().openapi({ param: { name: 'message_id', in: 'path' } }),
});

const tags = ['sessions'];
const routes = {
  branch: createRoute({
    method: 'post', path: '/{id}/branch', tags, security,
    summary: 'Switch the branch the session shows and continues',
    description:
      'The newest message beneath `message_id` (itself when nothing follows it) becomes the active leaf: the history, the next turn ' +
      "and live share links follow it, and other tabs learn it from the chat_sessions row's Realtime update. The owner only (403 for members).",
    request: { params: UuidParam(), body: jsonBody(BranchRequest) },
    responses: { 200: jsonResponse(BranchResult, 'The new active leaf'), ...errorResponses(400, 401, 403, 404) },
  }),
  deleteMessage: createRoute({
    method: 'delete', path: '/{id}/messages/{message_id}', tags, security,
    summary: 'Delete a message and every reply beneath it (their files too)',
    description:
      "The message's branch goes; its siblings stay. When the branch shown was in it, the session shows the newest branch under the " +
      'deleted message\'s parent. 409 `turn_running` while an answer is being written beneath it. The owner only (403 for members).',
    request: { params: MessageParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
  }),
};

export const sessionBranchesRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionBranchesRoutes.use('*', requireUser);

/** 404 for a session the caller cannot see, 403 for one they are a member of; the owner passes. */
async function assertOwner(sql: TransactionSql, sessionId: string, action: string): Promise<void> {
  const [session] = await sql<{ owner: boolean }[]>`
    select user_id = (select auth.uid()) as owner from public.chat_sessions where id = ${sessionId}`;
  if (!session) throw notFound('Session');
  if (!session.owner) throw new ApiError(403, 'forbidden', `Only the chat's owner can ${action}`);
}

sessionBranchesRoutes.openapi(routes.branch, async (c) => {
  const { id } = c.req.valid('param');
  const { message_id } = c.req.valid('json');
  const leaf = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await assertOwner(sql, id, 'switch its branch');
    // RLS decides inside select_branch too: it finds only messages the caller may read.
    const [row] = await sql<{ leaf: string | null }[]>`select public.select_branch(${id}, ${message_id}) as leaf`;
    return row?.leaf ?? null;
  });
  if (!leaf) throw notFound('Message');
  return c.json({ active_leaf_id: leaf }, 200);
});

sessionBranchesRoutes.openapi(routes.deleteMessage, async (c) => {
  const { id, message_id } = c.req.valid('param');
  const { db, user, turns } = c.var;
  // An answer whose process died is settled first, so only a live turn blocks the delete.
  await turns.store.settleAbandoned(user.id, { sessionId: id });
  await db.withUserTransaction(user, async (sql) => {
    await assertOwner(sql, id, 'delete its messages');
    // Locks the session against a turn starting meanwhile (its rows take a key-share lock on it).
    await sql`select id from public.chat_sessions where id = ${id} for update`;
    const [message] = await sql<{ parent_id: string | null }[]>`
      select parent_id from public.messages where session_id = ${id} and id = ${message_id}`;
    if (!message) throw notFound('Message');
    const [running] = await sql<{ id: string }[]>`
      with recursive below as (
        select m.id, m.status from public.messages m where m.session_id = ${id} and m.id = ${message_id}
        union all
        select r.id, r.status from below b join public.messages r on r.session_id = ${id} and r.parent_id = b.id
      )
      select id from below where status = 'streaming' limit 1`;
    if (running) throw turnRunning(running.id);
    // The replies go with it (messages' parent key cascades), and their files' objects are
    // queued for removal (message_attachments' trigger); the pointer to a deleted leaf clears.
    await sql`delete from public.messages where session_id = ${id} and id = ${message_id}`;
    if (message.parent_id) {
      await sql`
        select public.select_branch(${id}, ${message.parent_id})
          from public.chat_sessions where id = ${id} and active_leaf_id is null`;
    }
  });
  return c.body(null, 204);
});
