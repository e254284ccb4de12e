/**
 * Usage per chat: what the caller paid for in one chat (GET /api/sessions/{id}/usage), and the
 * chats that cost them most in a range (Usage's "By chat"). Only the caller's own rows count
 * (prompt_usage_logs' policy, and `user_id` here so the indexes serve it): a group chat's calls
 * someone else paid for are theirs.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { CALL_TOTALS } from './usage-report.ts';

export const ChatTotals = z.object({
  calls: z.number().int(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  cost_usd: z.number().openapi({ description: 'USD at the prices in force when each call ran (unpriced calls count 0)' }),
  unpriced_calls: z.number().int().openapi({ description: 'Calls to models without a price' }),
}).openapi('ChatUsageTotals');
type ChatTotalsRow = z.infer<typeof ChatTotals>;

export const ChatUsageGroup = ChatTotals.extend({
  session_id: z.uuid(),
  title: z.string().nullable().openapi({ description: "The chat's title; null when you can no longer open it (you left the group chat)" }),
}).openapi('ChatUsageGroup');

/** The caller's calls of one chat, summed (every call, however many are listed). */
export async function chatTotals(sql: TransactionSql, userId: string, sessionId: string): Promise<ChatTotalsRow> {
  const [row] = await sql<ChatTotalsRow[]>`
    select ${sql.unsafe(CALL_TOTALS)}
      from public.prompt_usage_logs l
     where l.user_id = ${userId} and l.session_id = ${sessionId}`;
  return row!;
}

/**
 * The chats of a range (`to` exclusive) that cost the caller most, then by calls. Calls of
 * deleted chats have no chat any more (session_id null) and are left out, as are calls outside
 * chats (the API, embeddings). The (user_id, executed_at) index narrows the range first.
 */
export async function topChats(sql: TransactionSql, userId: string, range: { from: Date; to: Date; promptId?: string }, limit = 10) {
  return await sql<z.infer<typeof ChatUsageGroup>[]>`
    select l.session_id, max(s.title) as title, ${sql.unsafe(CALL_TOTALS)}
      from public.prompt_usage_logs l
      -- The chat as the caller may read it now (owner or member): a chat they left has no title.
      left join public.chat_sessions s on s.id = l.session_id
     where l.user_id = ${userId} and l.session_id is not null
       and l.executed_at >= ${range.from} and l.executed_at < ${range.to}
       ${range.promptId ? sql`and l.prompt_id = ${range.promptId}` : sql``}
     group by l.session_id
     order by cost_usd desc, calls desc, l.session_id
     limit ${limit}`;
}
