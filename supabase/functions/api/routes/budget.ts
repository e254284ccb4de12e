/**
 * /api/budget: the caller's monthly budget (USD, calendar month in UTC) and this month's
 * spend. The web app warns from 80 %; /chat and the gateway answer 402 past 100 %
 * (lib/budget.ts). The month stays UTC's even though usage days follow the caller's zone
 * (GET /usage?tz=): the spend is kept per UTC month by the database's triggers and read by the
 * check before every paid call (private.monthly_spend, private.turn_gate), and an enforced limit
 * must not move with a zone the client reports. The web app shows `resets_at` in local time.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { readBudget } from '../lib/budget.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';
import { BudgetSchema as Budget } from '../lib/resource-schemas.ts';

const SetBudget = z
  .strictObject({
    monthly_budget_usd: z.number().min(0).max(1_000_000).multipleOf(0.01, 'whole cents').nullable().openapi({ description: 'USD per calendar month (UTC); null removes the budget' }),
  })
  .openapi('SetBudget');

const tags = ['budget'];
const routes = {
  get: createRoute({
    method: 'get', path: '/', tags, security,
    summary: "The monthly budget and this month's spend",
    responses: { 200: jsonResponse(Budget, 'The budget'), ...errorResponses(401) },
  }),
  put: createRoute({
    method: 'put', path: '/', tags, security,
    summary: 'Set or remove the monthly budget',
    request: { body: jsonBody(SetBudget) },
    responses: { 200: jsonResponse(Budget, 'The budget'), ...errorResponses(400, 401) },
  }),
};

export const budgetRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
budgetRoutes.use('*', requireUser);

budgetRoutes.openapi(routes.get, async (c) => c.json(await readBudget(c.var.db, c.var.user.id, new Date(), c.var.user), 200));

budgetRoutes.openapi(routes.put, async (c) => {
  const { monthly_budget_usd } = c.req.valid('json');
  // The write as the caller (RLS: their own profile only); the read after it commits, as GET.
  await c.var.db.withUserTransaction(c.var.user, (sql) => sql`update public.profiles set monthly_budget_usd = ${monthly_budget_usd} where id = ${c.var.user.id}`);
  return c.json(await readBudget(c.var.db, c.var.user.id), 200);
});
