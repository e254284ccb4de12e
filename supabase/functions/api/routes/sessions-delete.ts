/**
 * POST /api/sessions/delete: several chats deleted in one request. The web app's deletes wait
 * for their Undo and go when the page is leaving (a closed tab, a reload): then only requests
 * started in that moment get out, so every chat must fit in one request (or a few, started
 * together), not one request each.
 *
 * Each id is deleted as DELETE /sessions/{id} deletes it: RLS lets only the owner delete, so
 * someone else's chat, a group chat the caller is only in, and an id that never existed all
 * answer `not_found` alike, and nothing tells them apart.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { drainStorageCleanup } from '../lib/attachments/cleanup.ts';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';

/** The most chats one request deletes: a client with more sends several requests. */
export const MAX_SESSIONS_PER_DELETE = 100;

const DeleteSessions = z
  .strictObject({
    ids: z
      .array(z.uuid())
      .min(1)
      .max(MAX_SESSIONS_PER_DELETE, `at most ${MAX_SESSIONS_PER_DELETE} chats per request; send the rest in another`)
      .openapi({ description: `The chats to delete (1 to ${MAX_SESSIONS_PER_DELETE}); an id named twice counts once` }),
  })
  .openapi('DeleteSessions');

const SessionDeleted = z
  .object({
    id: z.uuid(),
    status: z.enum(['deleted', 'not_found']).openapi({ description: '`not_found`: no chat of yours has this id (never existed, deleted already, or not yours)' }),
  })
  .openapi('SessionDeleted');
const DeletedSessions = z
  .object({ results: z.array(SessionDeleted).openapi({ description: 'One per id asked for, in the order asked' }) })
  .openapi('DeletedSessions');

const route = createRoute({
  method: 'post', path: '/delete', tags: ['sessions'], security,
  summary: 'Delete several chats you own, with their messages and files',
  description: `Each chat as \`DELETE /sessions/{id}\` deletes it (for the members of a group chat you own too); the answer says, per id, whether it was deleted. At most ${MAX_SESSIONS_PER_DELETE} ids per request (400 \`invalid_request\` beyond). Cannot be undone.`,
  request: { body: jsonBody(DeleteSessions) },
  responses: { 200: jsonResponse(DeletedSessions, 'What happened to each id'), ...errorResponses(400, 401) },
});

export const sessionsDeleteRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionsDeleteRoutes.use('*', requireUser);

sessionsDeleteRoutes.openapi(route, async (c) => {
  // Postgres answers ids in lower case; an id asked for in upper case is the same chat.
  const ids = [...new Set(c.req.valid('json').ids.map((id) => id.toLowerCase()))];
  const { user, db, config, deps, log } = c.var;
  const rows = await db.withUserTransaction(user, (sql) => sql<{ id: string }[]>`
    delete from public.chat_sessions where id = any(${ids}::uuid[]) returning id`);
  const deleted = new Set(rows.map((row) => row.id));
  // Their files' Storage objects, queued by the database, go before the answer, as for one chat
  // (app.ts drains after a DELETE; this is a POST, so it drains itself).
  if (deleted.size > 0) await drainStorageCleanup(db, { config, fetch: deps.fetch }, log);
  const status = (id: string): 'deleted' | 'not_found' => (deleted.has(id) ? 'deleted' : 'not_found');
  return c.json({ results: ids.map((id) => ({ id, status: status(id) })) }, 200);
});
