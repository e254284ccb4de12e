/**
 * The usage log of a call made outside a chat turn — the gateway (POST /v1/chat/completions),
 * embeddings, a chat's title: one prompt_usage_logs row, labelled with what it was for (its
 * `purpose`; a chat answer's row is written by private.finish_turn), with tokens, latency, cost at today's
 * prices, the prompt version applied and the API key that called (null for the web app), like a chat turn's. Written on the owner connection (the API roles may not write usage logs since
 * chat turns moved server-side), always for the verified caller's id, who both asked for the
 * call and paid for it (`asked_by`: only a chat answer can be one person's question on another's key).
 */
import type { Sql } from 'postgres';
import type { Config } from '../config.ts';
import { callCostUsd } from './cost.ts';
import { findPrice } from './prices.ts';
import type { UsagePurpose } from './resource-schemas.ts';
import { uuidv7 } from './uuid7.ts';

/** What a call outside a chat turn was for: the Usage page and the CSV say it ("Chat title"). */
export type CallPurpose = Exclude<UsagePurpose, 'chat'>;

export interface GatewayCall {
  userId: string;
  purpose: CallPurpose;
  provider: string;
  model: string;
  status: 'success' | 'error' | 'stopped';
  promptId: string | null;
  promptVersion: number | null;
  ttftMs: number | null;
  latencyMs: number;
  promptTokens: number;
  cachedTokens: number | null;
  completionTokens: number;
  /** The part of completionTokens spent reasoning (`completion_tokens_details.reasoning_tokens`), when reported. */
  reasoningTokens?: number | null;
  errorCode: string | null;
  /** The chat the call was made for (a chat's title), if any. */
  sessionId?: string | null;
  /** Some of the counts are ours (lib/gateway-usage.ts), not the provider's. */
  tokensEstimated?: boolean;
  /** The caller's API key when it made the call (null: the web app); the usage page's Source. */
  apiKeyId?: string | null;
}

/**
 * Inserts the row and returns its id (a client may rate the call with PUT /scores). A stream
 * passes the `id` it chose up front, so the id goes out in the response's headers before the
 * call is over and the row is written with it at the end.
 */
export async function logGatewayCall(sql: Sql, config: Config, call: GatewayCall, id = uuidv7()): Promise<string> {
  const cost = callCostUsd(findPrice(config.prices, call.provider, call.model), {
    promptTokens: call.promptTokens,
    cachedTokens: call.cachedTokens ?? 0,
    completionTokens: call.completionTokens,
  });
  // A time-ordered id (uuid7.ts) lands on the primary key's rightmost page, not a random one.
  const [row] = await sql<{ id: string }[]>`
    insert into public.prompt_usage_logs
      (id, user_id, session_id, prompt_id, prompt_version, provider, model, status, ttft_ms, latency_ms,
       prompt_tokens, cached_tokens, completion_tokens, token_count, error_code, cost_usd, tokens_estimated, api_key_id,
       purpose, reasoning_tokens, asked_by)
    values (${id}, ${call.userId}, ${call.sessionId ?? null}, ${call.promptId}, ${call.promptVersion}, ${call.provider}, ${call.model.slice(0, 200)}, ${call.status},
            ${call.ttftMs}, ${call.latencyMs}, ${call.promptTokens}, ${call.cachedTokens}, ${call.completionTokens},
            ${call.promptTokens + call.completionTokens}, ${call.errorCode}, ${cost}::numeric, ${call.tokensEstimated ?? false}::boolean, ${call.apiKeyId ?? null}::uuid,
            ${call.purpose}, ${call.reasoningTokens ?? null}::int, ${call.userId})
    returning id`;
  return row!.id;
}
