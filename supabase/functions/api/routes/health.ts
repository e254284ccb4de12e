/** GET /api/health: liveness plus a database round trip, no auth (used by the gateway and uptime checks). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse } from '../lib/openapi.ts';

const Health = z.object({ status: z.literal('ok'), database: z.enum(['ok', 'unavailable']), time: z.string() }).openapi('Health');

const getHealth = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Liveness and database check',
  responses: { 200: jsonResponse(Health, 'The API is up'), ...errorResponses(503) },
});

export const healthRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(getHealth, async (c) => {
  let database: 'ok' | 'unavailable' = 'ok';
  try {
    await c.var.db.ping();
  } catch {
    database = 'unavailable';
  }
  return c.json({ status: 'ok' as const, database, time: new Date().toISOString() }, 200);
});
