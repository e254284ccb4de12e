/**
 * GET /api/sessions/{id}/usage: what one chat cost the caller — their calls of it summed and
 * one by one (its answers and the call that named it), and, for a group chat member, the calls
 * they asked there that someone else paid for (counts and tokens per payer, no dollars). Read
 * with the caller's token, so usage rows stay their payer's: the owner does not see what a
 * member paid on their own key, nor a member the owner's amounts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import { UsageLogSchema } from '../lib/resource-schemas.ts';
import { callsPaidByOthers, PaidByOther, recentCalls } from '../lib/usage-calls.ts';
import { ChatTotals, chatTotals } from '../lib/usage-chats.ts';

/** How many calls are listed; the totals count every call. */
const LISTED_CALLS = 200;

const ChatUsage = z
  .object({
    session_id: z.uuid(),
    totals: ChatTotals.openapi({ description: 'Every call of this chat you paid for' }),
    calls: z.array(UsageLogSchema).openapi({ description: `The calls you paid for, newest first (at most ${LISTED_CALLS}): answers (purpose chat) and naming the chat (purpose title)` }),
    more_calls: z.boolean().openapi({ description: 'There are more calls than listed (the totals count them all)' }),
    paid_by_others: z.array(PaidByOther).openapi({ description: 'Calls you asked in this chat that someone else paid for (the owner of a group chat who shares their key), per payer: counts and tokens, never their dollars' }),
  })
  .openapi('ChatUsage');

const routes = {
  usage: createRoute({
    method: 'get', path: '/{id}/usage', tags: ['sessions', 'usage'], security,
    summary: 'What this chat cost you: totals and each call',
    description:
      'The calls of the chat you paid for (in a group chat: your own turns on your key, or as its owner the turns your key answered, with who asked), ' +
      'and those you asked that someone else paid for, without their dollars. 404 for a chat you cannot open.',
    request: { params: UuidParam() },
    responses: { 200: jsonResponse(ChatUsage, "The chat's usage"), ...errorResponses(400, 401, 404, 429) },
  }),
};

export const sessionUsageRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionUsageRoutes.use('*', requireUser);
sessionUsageRoutes.use('/:id/usage', heavyRateLimit(1));

sessionUsageRoutes.openapi(routes.usage, async (c) => {
  const { id } = c.req.valid('param');
  const { user } = c.var;
  const usage = await c.var.db.withUserTransaction(user, async (sql) => {
    // The chat must be one the caller can open now (owner or member): a stranger, or a former
    // member, learns nothing of it, not even that it exists.
    const [chat] = await sql`select 1 from public.chat_sessions where id = ${id}`;
    if (!chat) return null;
    const totals = await chatTotals(sql, user.id, id);
    const listed = await recentCalls(sql, user.id, LISTED_CALLS + 1, { sessionId: id });
    const paidByOthers = await callsPaidByOthers(sql, { sessionId: id });
    return { totals, calls: listed.slice(0, LISTED_CALLS), more_calls: listed.length > LISTED_CALLS, paid_by_others: paidByOthers };
  });
  if (!usage) throw notFound('Session');
  return c.json({ session_id: id, ...usage }, 200);
});
