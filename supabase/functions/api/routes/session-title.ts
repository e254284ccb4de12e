/**
 * POST /api/sessions/{id}/title: the chat's model names it (lib/chat/name-chat.ts). The web app
 * does not call it: it starts a new chat with `name_chat` (unless the user turned naming off in
 * Settings) and the server names the chat once its first answer is complete. Until then, and
 * whenever naming fails, the chat keeps the title its first message gave it. Asking again
 * costs nothing: a chat named or renamed keeps its name (409 `title_set`).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { nameChat } from '../lib/chat/name-chat.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const NamedChat = z
  .object({
    title: z.string().openapi({ description: 'The new title (plain text, one line, at most 60 characters)' }),
    provider: z.string(),
    model: z.string(),
  })
  .openapi('NamedChat');

const routes = {
  name: createRoute({
    method: 'post', path: '/{id}/title', tags: ['sessions'], security,
    summary: "Name the chat with its model",
    description:
      "Asks the model of the chat's first answer (with the owner's key, within their budget) for a title of a few words from the first " +
      'question and answer, and sets it. Only over the title the chat was given automatically: 409 `title_set` once it was renamed ' +
      '(or named before), 409 `no_answer` before the first answer is complete. 502 with the provider\'s error, or `title_unusable` ' +
      'when the reply holds no title; the title is then unchanged. The owner only (403 for members).',
    request: { params: UuidParam() },
    responses: { 200: jsonResponse(NamedChat, 'The chat was named'), ...errorResponses(400, 401, 402, 403, 404, 409, 422, 429, 502) },
  }),
};

export const sessionTitleRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionTitleRoutes.use('*', requireUser);

sessionTitleRoutes.openapi(routes.name, async (c) => {
  const { id } = c.req.valid('param');
  const { config, db, deps, user, log } = c.var;
  return c.json(await nameChat({ config, db, deps, user, log }, id), 200);
});
