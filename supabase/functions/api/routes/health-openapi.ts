/** GET /api/health as the OpenAPI document describes it; the route served is health.ts's, same handler. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse } from '../lib/openapi.ts';
import { checkHealth } from './health.ts';

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

export const documentedHealthRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(getHealth, checkHealth);
