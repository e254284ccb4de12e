/**
 * GET /api/health: liveness plus a database round trip, no auth (used by the gateway and
 * uptime checks). Often a cold function's first request, so this module is plain Hono with
 * no zod: its OpenAPI description lives in health-openapi.ts, which only the document loads.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../lib/context.ts';
import { databaseUnavailable } from '../lib/db-errors.ts';

/** The health answer (its schema: `Health` in health-openapi.ts). */
export async function checkHealth(c: Context<AppEnv>) {
  let vector: 'installed' | 'available' | 'absent';
  try {
    ({ vector } = await c.var.db.ping());
  } catch {
    // 503 so load balancers and uptime checks see the outage.
    throw databaseUnavailable();
  }
  return c.json({ status: 'ok' as const, database: 'ok' as const, vector, time: new Date().toISOString() }, 200);
}

export const healthRoutes = new Hono<AppEnv>().get('/', checkHealth);
