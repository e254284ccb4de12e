/**
 * The caller's calls one by one, and the calls they asked that someone else paid for: what
 * Usage (GET /api/usage/summary, /recent) and a chat's usage (GET /api/sessions/{id}/usage) list.
 * A call is readable by its payer only (prompt_usage_logs' policy); a group chat member learns
 * of the calls the owner paid for them through counts and tokens per payer, never the dollars.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import type { UsageLogRow } from './resource-schemas.ts';
import { askerNames } from './usage-askers.ts';

export const PaidByOther = z.object({
  payer_id: z.uuid(),
  payer_name: z.string().nullable().openapi({ description: "The payer's display name (never an email)" }),
  calls: z.number().int(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
}).openapi('PaidByOther');

type PaidByOtherRow = { payer_id: string; payer_name: string | null; calls: number; prompt_tokens: string; completion_tokens: string; total_tokens: string };

// bigint sums arrive as text; a range's or a chat's tokens fit a double exactly.
const presentPaidByOther = (r: PaidByOtherRow) => ({ ...r, prompt_tokens: Number(r.prompt_tokens), completion_tokens: Number(r.completion_tokens), total_tokens: Number(r.total_tokens) });

/** The calls of a range, or of one chat, the caller asked and someone else paid for, per payer. */
export async function callsPaidByOthers(sql: TransactionSql, of: { range: { from: Date; to: Date } } | { sessionId: string }) {
  const rows = 'sessionId' in of
    ? await sql<PaidByOtherRow[]>`select * from public.my_chat_calls_paid_by_others(${of.sessionId})`
    : await sql<PaidByOtherRow[]>`select * from public.my_calls_paid_by_others(${of.range.from}, ${of.range.to})`;
  return rows.map(presentPaidByOther);
}

/** The caller's newest calls, of one chat, or of a range (`to` exclusive) and prompt, with who asked each. */
export async function recentCalls(
  sql: TransactionSql,
  userId: string,
  limit: number,
  only: { sessionId?: string; range?: { from: Date; to: Date }; promptId?: string },
) {
  const { sessionId, range, promptId } = only;
  const calls = await sql<Omit<UsageLogRow, 'asked_by_name'>[]>`
      select l.id, l.executed_at, l.provider, l.model, l.status, l.prompt_id, l.prompt_version, coalesce(p.title, sp.title) as prompt_title,
             l.session_id, l.message_id, l.ttft_ms, l.latency_ms, l.prompt_tokens, l.completion_tokens, l.token_count,
             l.cached_tokens, l.reasoning_tokens, l.purpose, l.cost_usd::float8 as cost_usd, l.error_code,
             l.api_key_id, k.name as api_key_name, k.prefix as api_key_prefix, k.revoked_at is not null as api_key_revoked, l.asked_by
        from public.prompt_usage_logs l
        left join public.prompts p on p.id = l.prompt_id
        -- Someone else's public prompt: its title as they see it (they cannot read its row).
        left join public.shared_prompts sp on sp.id = l.prompt_id and p.id is null
        left join public.api_keys k on k.id = l.api_key_id
       where l.user_id = ${userId}${sessionId ? sql` and l.session_id = ${sessionId}` : sql``}
         ${range ? sql`and l.executed_at >= ${range.from} and l.executed_at < ${range.to}` : sql``}
         ${promptId ? sql`and l.prompt_id = ${promptId}` : sql``}
       order by l.executed_at desc, l.id desc
       limit ${limit}`;
  const names = await askerNames(sql, calls.map((call) => call.asked_by));
  return calls.map((call) => ({ ...call, asked_by_name: call.asked_by ? (names.get(call.asked_by) ?? null) : null }));
}
