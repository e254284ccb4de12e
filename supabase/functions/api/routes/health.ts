/** GET /api/health: liveness plus a database round trip, no auth (used by the gateway and uptime checks). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../lib/context.ts';
import { databaseUnavailable } from '../lib/db-errors.ts';
import { defaultHook, errorResponses, jsonResponse } from '../lib/openapi.ts';

const Health = z
  .object({
    status: z.literal('ok'),
    database: z.literal('ok'),
    vector: z.enum(['installed', 'available', 'absent']).openapi({
      description: "Whether the database has pgvector. Where installed, project files over a model's budget are ranked by embeddings as well as by full-text search (see the README).",
    }),
    time: z.string(),
  })
  .openapi('Health');

const getHealth = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Liveness and database check',
  responses: { 200: jsonResponse(Health, 'The API is up'), ...errorResponses(503) },
});

export const healthRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(getHealth, async (c) => {
  let vector: 'installed' | 'available' | 'absent';
  try {
    ({ vector } = await c.var.db.ping());
  } catch {
    // 503 so load balancers and uptime checks see the outage.
    throw databaseUnavailable();
  }
  return c.json({ status: 'ok' as const, database: 'ok' as const, vector, time: new Date().toISOString() }, 200);
});
