/**
 * /api/prompts: the prompt library. One sub-app wiring the behaviours kept in separate
 * modules (CRUD, history and labels, fork and render); all need a signed-in user.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireUser } from '../../lib/auth.ts';
import type { AppEnv } from '../../lib/context.ts';
import { defaultHook } from '../../lib/openapi.ts';
import { promptActionRoutes } from './actions.ts';
import { promptCrudRoutes } from './crud.ts';
import { promptHistoryRoutes } from './history.ts';

export const promptsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
promptsRoutes.use('*', requireUser);
promptsRoutes.route('/', promptCrudRoutes);
promptsRoutes.route('/', promptHistoryRoutes);
promptsRoutes.route('/', promptActionRoutes);
