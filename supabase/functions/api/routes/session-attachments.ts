/**
 * GET /api/sessions/{id}/attachments: the files every message of a session carried, and the
 * project files each answer was given with (its sources), so a chat shows them after a reload
 * (message pages stay lean; this is one read per chat opening). Through RLS: another user's
 * session is a 404; a group chat's members read the files people attached, and only the owner
 * the sources (the owner's project files).
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
    tokens: z.number().int().openapi({ description: 'Tokens of the file the model was given' }),
    total_tokens: z.number().int().nullable().openapi({ description: "Tokens of the whole file (more than `tokens` when it was cut to fit); null for files attached before it was kept" }),
    total_estimated: z.boolean().openapi({ description: '`total_tokens` is estimated from the start of a file too long to count whole' }),
    truncated: z.boolean(),
  })
  .openapi('MessageAttachment');

const Source = z
  .object({
    message_id: z.uuid(),
    file_id: z.uuid().nullable().openapi({ description: 'Null once the file was removed from the project' }),
    name: z.string().openapi({ description: "The file's name when the answer was given" }),
    chunks: z.array(z.number().int()).nullable().openapi({ description: 'The excerpts used (chunk numbers from 0); null: the whole file' }),
  })
  .openapi('AnswerSource');

const listAttachments = createRoute({
  method: 'get', path: '/{id}/attachments', tags: ['sessions'], security,
  summary: "Files attached to the messages of a session, and the project files its answers used, oldest first",
  request: { params: UuidParam() },
  responses: { 200: jsonResponse(z.object({ attachments: z.array(Attachment), sources: z.array(Source) }), 'Attachments and sources'), ...errorResponses(400, 401, 404) },
});

export const sessionAttachmentsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionAttachmentsRoutes.use('*', requireUser);

sessionAttachmentsRoutes.openapi(listAttachments, async (c) => {
  const { id } = c.req.valid('param');
  const found = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [session] = await sql`select 1 from public.chat_sessions where id = ${id}`;
    if (!session) throw notFound('Session');
    const attachments = await sql<z.infer<typeof Attachment>[]>`
      select a.message_id, a.storage_path as path, a.name, a.type, a.size::integer as size, a.token_count as tokens, a.total_tokens, a.total_estimated, a.truncated
        from public.message_attachments a join public.messages m on m.id = a.message_id
       where m.session_id = ${id}
       order by m.created_at, m.id, a.created_at, a.name`;
    const sources = await sql<z.infer<typeof Source>[]>`
      select s.message_id, s.file_id, s.name, s.chunks
        from public.answer_sources s join public.messages m on m.id = s.message_id
       where m.session_id = ${id}
       order by m.created_at, m.id, s.position`;
    return { attachments, sources };
  });
  return c.json(found, 200);
});
