/**
 * /api/prompts: the prompt library. One sub-app wiring the behaviours kept in separate
 * modules (CRUD, history and labels, fork and render); all need a signed-in user or, for
 * reads and rendering, an API key with the right scope.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireUserOrKey } from '../../lib/api-key-auth.ts';
import type { AppEnv } from '../../lib/context.ts';
import { defaultHook } from '../../lib/openapi.ts';
import { promptActionRoutes } from './actions.ts';
import { promptCrudRoutes } from './crud.ts';
import { promptHistoryRoutes } from './history.ts';
import { promptKeptInChatsRoutes } from './kept-in-chats.ts';
import { promptResolveRoutes } from './resolve.ts';
import { promptTestCaseRoutes } from './test-cases.ts';

export const promptsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
// API keys: `prompts:read` reads (list, get, versions, resolve); rendering also accepts `chat`.
// Every write needs a signed-in session.
promptsRoutes.use(
  '*',
  requireUserOrKey((c) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return ['prompts:read'];
    if (c.req.method === 'POST' && /\/render$/.test(c.req.path)) return ['chat', 'prompts:read'];
    return null;
  }),
);
// resolve and kept-in-chats before CRUD: neither must be read as a prompt id.
promptsRoutes.route('/', promptResolveRoutes);
promptsRoutes.route('/', promptKeptInChatsRoutes);
promptsRoutes.route('/', promptCrudRoutes);
promptsRoutes.route('/', promptHistoryRoutes);
promptsRoutes.route('/', promptActionRoutes);
promptsRoutes.route('/', promptTestCaseRoutes);
