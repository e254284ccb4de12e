/**
 * GET /api/prompts/kept-in-chats?ids=: how many of the caller's own chats keep each of these
 * prompts as their system prompt (chat_sessions.metadata.prompt, lib/chat/chat-prompt.ts). The
 * library asks before a delete, to say what the delete changes: those chats are refused their
 * next turn with `chat_prompt_unavailable` until their owner goes on without the prompt. Read in
 * the caller's transaction (RLS), and only their own chats: a group chat someone else owns is
 * theirs to look after.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../../lib/openapi.ts';

const MAX_IDS = 100;

const KeptQuery = z.object({
  ids: z.string().max(MAX_IDS * 37)
    .transform((text) => [...new Set(text.split(','))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_IDS))
    .openapi({ param: { name: 'ids', in: 'query' }, description: `Prompt ids, comma-separated (at most ${MAX_IDS})`, example: '7f0c1a52-4c1e-4a8b-9d7e-2f5b8c3a1e90' }),
});

const KeptInChats = z
  .object({ prompts: z.array(z.object({ prompt_id: z.uuid(), chats: z.number().int().min(0) })) })
  .openapi('PromptsKeptInChats');

const route = createRoute({
  method: 'get', path: '/kept-in-chats', tags: ['prompts'], security,
  summary: 'How many of my chats keep each of these prompts as their system prompt',
  description: 'One entry per id asked for (0: none). Such a chat is refused its next turn with 422 `chat_prompt_unavailable` once the prompt is deleted.',
  request: { query: KeptQuery },
  responses: { 200: jsonResponse(KeptInChats, 'The count per prompt'), ...errorResponses(400, 401) },
});

export const promptKeptInChatsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

promptKeptInChatsRoutes.openapi(route, async (c) => {
  const { ids } = c.req.valid('query');
  const user = c.var.user;
  const rows = await c.var.db.withUserTransaction(user, (sql) => sql<{ prompt_id: string; chats: number }[]>`
    select metadata->'prompt'->>'id' as prompt_id, count(*)::int as chats
      from public.chat_sessions
     where user_id = ${user.id} and metadata->'prompt'->>'id' = any(${ids}::text[])
     group by 1`);
  const counts = new Map(rows.map((row) => [row.prompt_id, row.chats]));
  return c.json({ prompts: ids.map((id) => ({ prompt_id: id, chats: counts.get(id) ?? 0 })) }, 200);
});
