// How the web app shows dollars, durations, token counts and file sizes (usage page, prompt
// page, playground, chat answers, attachments, project files).
import { formatCount } from '../../../supabase/functions/api/lib/too-long.ts';
import { usdText } from '../../../supabase/functions/api/lib/usd-text.ts';

/** A count for people, thousands grouped: "1,234,567" — as the API words counts in its messages. */
export { formatCount };

/**
 * Dollars for people: cents from a dollar up, thousands grouped ("$1,234.50"), two significant
 * digits below a dollar ("$0.016", "$0.00029") — the API words amounts in its messages the same
 * way (one function for both, supabase/functions/api/lib/usd-text.ts). null: "—".
 */
export function formatUsd(value: number | null): string {
  return value === null ? '—' : usdText(value);
}

/**
 * What calls cost, for people, when some used a model without a price: their cost is unknown,
 * not $0, so a group of only such calls says "unpriced" and a mixed one counts them beside the
 * dollars of the others ("$1.20 + 3 unpriced").
 */
export function formatCost(costUsd: number, unpricedCalls: number, calls: number): string {
  if (unpricedCalls === 0) return formatUsd(costUsd);
  if (unpricedCalls >= calls) return 'unpriced';
  return `${formatUsd(costUsd)} + ${formatCount(unpricedCalls)} unpriced`;
}

/** A call's duration for people: milliseconds under a second, then seconds, then minutes (an answer can run for minutes). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * How long a model reasoned, above its answer: "Thought for less than a second" under a second
 * (a fast model's 68 ms is not "1 s" while the answer's footer says "68 ms", QA 5 #9), then as
 * the footer shows durations ("Thought for 4.2 s", "Thought for 1 min 5 s").
 */
export function thoughtForLabel(ms: number): string {
  return ms < 1000 ? 'Thought for less than a second' : `Thought for ${formatDuration(ms)}`;
}

/** A file's size for people: bytes, whole kilobytes, then megabytes to one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A token count for people: "1 token", "1,204 tokens". */
export function formatTokens(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'token' : 'tokens'}`;
}

/**
 * Where a call came from, for people: "Web app", or the API key that made it with its prefix, as
 * Settings › API keys lists it — two keys may share a name ("API key sdk · mrp_5YFPa1b2…",
 * "API key sdk · mrp_5YFPa1b2… (revoked)"); a key the list cannot name any more is "API key (removed)".
 */
export function usageSource(call: { api_key_id: string | null; api_key_name: string | null; api_key_prefix: string | null; api_key_revoked: boolean | null }): string {
  if (!call.api_key_id) return 'Web app';
  if (!call.api_key_name) return 'API key (removed)';
  const prefix = call.api_key_prefix ? ` · ${call.api_key_prefix}…` : '';
  return `API key ${call.api_key_name}${prefix}${call.api_key_revoked ? ' (revoked)' : ''}`;
}

/** A project's name on the usage page: a deleted one keeps it, marked ("Research (deleted)"). */
export function usageProject(group: { project_id: string | null; project_name: string | null; project_deleted: boolean | null }): string {
  if (!group.project_id) return 'No project';
  if (!group.project_name) return 'Deleted project';
  return group.project_deleted ? `${group.project_name} (deleted)` : group.project_name;
}

/**
 * What a call was for, for people (`prompt_usage_logs.purpose`): the call that names a new chat
 * is billed at the chat model's price and says so ("Chat title"); a call logged before the
 * purpose was recorded says nothing (null).
 */
export function usagePurpose(purpose: 'chat' | 'title' | 'gateway' | 'embedding' | null): string | null {
  if (purpose === 'chat') return 'Chat answer';
  if (purpose === 'title') return 'Chat title';
  if (purpose === 'gateway') return 'API (chat completions)';
  if (purpose === 'embedding') return 'File embeddings';
  return null;
}

/**
 * The parts of a token count that cost differently, for people: "400 cached" of the tokens in
 * (read from the provider's prompt cache, at a lower price) and "200 reasoning" of the tokens
 * out (the model's thinking, priced as output). Nothing for parts not reported or zero.
 */
export function tokenParts(tokens: { in: number | null; cached: number | null; out: number | null; reasoning: number | null }): string {
  const part = (count: number | null, what: string) => (count ? ` (${formatCount(count)} ${what})` : '');
  return [
    tokens.in === null ? null : `${formatCount(tokens.in)} in${part(tokens.cached, 'cached')}`,
    tokens.out === null ? null : `${formatCount(tokens.out)} out${part(tokens.reasoning, 'reasoning')}`,
  ].filter(Boolean).join(', ');
}

/**
 * The cached and reasoning parts of a group of calls, for Usage's tables: "400 cached (40 % of
 * input) · 200 reasoning" — the cached share tells whether prompt caching works. Empty when
 * neither was reported.
 */
export function cachedAndReasoning(tokens: { in: number; cached: number; out: number; reasoning: number }): string {
  const cached = tokens.cached > 0 ? `${formatCount(tokens.cached)} cached (${Math.round((tokens.cached / Math.max(tokens.in, tokens.cached)) * 100)} % of input)` : null;
  const reasoning = tokens.reasoning > 0 ? `${formatCount(tokens.reasoning)} reasoning` : null;
  return [cached, reasoning].filter(Boolean).join(' · ');
}
