/**
 * /api/scores: thumbs up or down, with an optional comment, on an answer — a chat message
 * or a call without a chat (a usage log, e.g. through the gateway). One score per rater and
 * answer; rating again replaces it. The usage report turns scores into each prompt
 * version's share of positive ratings (lib/usage-report.ts).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import postgres from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { text } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const ScoreSchema = z
  .object({
    id: z.uuid(),
    message_id: z.uuid().nullable(),
    usage_log_id: z.uuid().nullable(),
    rating: z.enum(['up', 'down']),
    comment: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi('Score');

const PutScore = z
  .strictObject({
    message_id: z.uuid().optional(),
    usage_log_id: z.uuid().optional(),
    rating: z.enum(['up', 'down']),
    comment: text(2000).trim().nullable().optional().transform((c) => c || null),
  })
  .refine((s) => Boolean(s.message_id) !== Boolean(s.usage_log_id), { message: 'Give message_id or usage_log_id (one of them)' })
  .openapi('PutScore');

const ListQuery = z.strictObject({ session_id: z.uuid().openapi({ param: { name: 'session_id', in: 'query' } }) });

const tags = ['scores'];
const routes = {
  put: createRoute({
    method: 'put', path: '/', tags, security,
    summary: 'Rate an answer (thumbs up/down, optional comment); rating again replaces it',
    request: { body: jsonBody(PutScore) },
    responses: { 200: jsonResponse(ScoreSchema, 'The score'), ...errorResponses(400, 401, 404) },
  }),
  list: createRoute({
    method: 'get', path: '/', tags, security,
    summary: "My scores on one chat's answers",
    request: { query: ListQuery },
    responses: { 200: jsonResponse(z.object({ scores: z.array(ScoreSchema) }).openapi('ScoreList'), 'Scores'), ...errorResponses(400, 401) },
  }),
  delete: createRoute({
    method: 'delete', path: '/{id}', tags, security,
    summary: 'Remove a score',
    request: { params: UuidParam() },
    responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 404) },
  }),
};

interface ScoreRow {
  id: string;
  message_id: string | null;
  usage_log_id: string | null;
  rating: number;
  comment: string | null;
  updated_at: Date;
}

const present = (r: ScoreRow) => ({
  id: r.id,
  message_id: r.message_id,
  usage_log_id: r.usage_log_id,
  rating: r.rating > 0 ? ('up' as const) : ('down' as const),
  comment: r.comment,
  updated_at: r.updated_at.toISOString(),
});

export const scoresRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
scoresRoutes.use('*', requireUser);

scoresRoutes.openapi(routes.put, async (c) => {
  const input = c.req.valid('json');
  const rating = input.rating === 'up' ? 1 : -1;
  // The conflict target is one of two fixed column names, never input.
  const target = input.message_id ? 'message_id' : 'usage_log_id';
  const row = await c.var.db
    .withUserTransaction(c.var.user, async (sql) => {
      const [saved] = await sql<ScoreRow[]>`
        insert into public.answer_scores (user_id, message_id, usage_log_id, rating, comment)
        values (${c.var.user.id}, ${input.message_id ?? null}, ${input.usage_log_id ?? null}, ${rating}, ${input.comment ?? null})
        on conflict (${sql(target)}, user_id) do update set rating = excluded.rating, comment = excluded.comment
        returning id, message_id, usage_log_id, rating, comment, updated_at`;
      return saved;
    })
    .catch((error) => {
      // The answer is not one the caller can read (or not an answer): never say which.
      if (error instanceof postgres.PostgresError && error.code === '42501') throw notFound('Answer');
      if (error instanceof postgres.PostgresError && error.code === '23503') throw notFound('Answer');
      throw error;
    });
  return c.json(present(row!), 200);
});

scoresRoutes.openapi(routes.list, async (c) => {
  const { session_id } = c.req.valid('query');
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<ScoreRow[]>`
    select s.id, s.message_id, s.usage_log_id, s.rating, s.comment, s.updated_at
      from public.answer_scores s join public.messages m on m.id = s.message_id
     where m.session_id = ${session_id} and s.user_id = ${c.var.user.id}`);
  return c.json({ scores: rows.map(present) }, 200);
});

scoresRoutes.openapi(routes.delete, async (c) => {
  const { id } = c.req.valid('param');
  const deleted = await c.var.db.withUserTransaction(c.var.user, (sql) => sql`delete from public.answer_scores where id = ${id} returning id`);
  if (deleted.length === 0) throw notFound('Score');
  return c.body(null, 204);
});
