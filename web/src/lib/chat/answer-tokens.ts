// The token figure under an answer: what the call sent (prompt: the question, the chat so far,
// files, system prompt) and what the model wrote, from the same fields live and after a
// reload — the message row's `prompt_tokens` / `completion_tokens`, which the live `usage`
// event fills with the same numbers finish_turn stores. `token_count` on a message is the
// answer's own tokens (completion); a total is never stored there. The Usage page's row for
// the call has the same total (prompt + completion), and the cost beside it covers both. The
// parts that cost differently — prompt tokens read from the provider's cache, completion
// tokens spent reasoning — come from that usage row (lib/chat/costs.ts), once the answer ended.
import { formatCount, formatTokens, tokenParts } from '$lib/usage-format';

export interface TokenFields {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  token_count?: number | null;
}

/** What the call's usage row says of the counts: cached input, reasoning output (null: not reported). */
export interface TokenDetail {
  cached_tokens: number | null;
  reasoning_tokens: number | null;
}

/**
 * "149 tokens (146 in, 3 out)" — with its cached and reasoning parts when the provider reported
 * any: "1,500 tokens (1,000 in (400 cached), 500 out (200 reasoning))" — and the split spelled
 * out for a tooltip; null when unknown.
 */
export function answerTokens(message: TokenFields, detail: TokenDetail | null = null): { text: string; title: string } | null {
  const out = message.completion_tokens ?? message.token_count ?? null;
  const sent = message.prompt_tokens ?? null;
  if (out === null) return null;
  const reasoning = detail?.reasoning_tokens ?? null;
  const thinking = reasoning ? ` (${formatCount(reasoning)} of them the model's reasoning)` : '';
  if (sent === null) return { text: `${formatTokens(out)} out`, title: `${formatTokens(out)} in the answer${thinking}` };
  const cached = detail?.cached_tokens ?? null;
  const parts = tokenParts({ in: sent, cached, out, reasoning });
  const fromCache = cached ? `; ${formatCount(cached)} of them read from the provider's prompt cache, at a lower price` : '';
  return {
    text: `${formatTokens(sent + out)} (${parts})`,
    title: `${formatTokens(sent)} sent to the model (your message, the chat so far and its files${fromCache}) + ${formatTokens(out)} in the answer${thinking}`,
  };
}
