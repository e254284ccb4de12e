/**
 * GET /api/sessions/{id}/attachments: the files every message of a session carried, so a
 * chat shows its attachment chips after a reload (message pages stay lean; this is one read
 * per chat opening). Owner-only through RLS; another user's session is a 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const Attachment = z
  .object({
    message_id: z.uuid(),
    path: z.string(),
    name: z.string(),
    type: z.string(),
    size: z.number().int(),
    tokens: z.number().int(),
    truncated: z.boolean(),
  })
  .openapi('MessageAttachment');

const listAttachments = createRoute({
  method: 'get', path: '/{id}/attachments', tags: ['sessions'], security,
  summary: 'Files attached to the messages of a session, oldest first',
  request: { params: UuidParam() },
  responses: { 200: jsonResponse(z.object({ attachments: z.array(Attachment) }), 'Attachments'), ...errorResponses(400, 401, 404) },
});

export const sessionAttachmentsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionAttachmentsRoutes.use('*', requireUser);

sessionAttachmentsRoutes.openapi(listAttachments, async (c) => {
  const { id } = c.req.valid('param');
  const attachments = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [session] = await sql`select 1 from public.chat_sessions where id = ${id}`;
    if (!session) throw notFound('Session');
    return await sql<z.infer<typeof Attachment>[]>`
      select a.message_id, a.storage_path as path, a.name, a.type, a.size::integer as size, a.token_count as tokens, a.truncated
        from public.message_attachments a join public.messages m on m.id = a.message_id
       where m.session_id = ${id}
       order by m.created_at, m.id, a.created_at, a.name`;
  });
  return c.json({ attachments }, 200);
});
