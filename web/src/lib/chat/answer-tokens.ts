// The token figure under an answer: what the call sent (prompt: the question, the chat so far,
// files, system prompt) and what the model wrote, from the same fields live and after a
// reload — the message row's `prompt_tokens` / `completion_tokens`, which the live `usage`
// event fills with the same numbers finish_turn stores. `token_count` on a message is the
// answer's own tokens (completion); a total is never stored there. The Usage page's row for
// the call has the same total (prompt + completion), and the cost beside it covers both.
import { formatCount, formatTokens } from '$lib/usage-format';

export interface TokenFields {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  token_count?: number | null;
}

/** "149 tokens (146 in, 3 out)", with the split spelled out for a tooltip; null when unknown. */
export function answerTokens(message: TokenFields): { text: string; title: string } | null {
  const out = message.completion_tokens ?? message.token_count ?? null;
  const sent = message.prompt_tokens ?? null;
  if (out === null) return null;
  if (sent === null) return { text: `${formatTokens(out)} out`, title: `${formatTokens(out)} in the answer` };
  return {
    text: `${formatTokens(sent + out)} (${formatCount(sent)} in, ${formatCount(out)} out)`,
    title: `${formatTokens(sent)} sent to the model (your message, the chat so far and its files) + ${formatTokens(out)} in the answer`,
  };
}
