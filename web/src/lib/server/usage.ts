// Shapes /api/usage/summary (one call: every grouping the page draws plus the newest calls)
// into what the usage charts and tables render.
import { ok, type Api, type UsageSummary } from '$lib/api';
import { everyDay, nextDay } from '$lib/usage-days';
import { othersAsked, usageAsker } from '$lib/usage-askers';
import { usageProject, usagePurpose, usageSource } from '$lib/usage-format';

type UsageStats = UsageSummary['totals'];

export const stats = (g: UsageStats) => ({
  calls: g.calls,
  errors: g.errors,
  tokens: g.total_tokens,
  // The parts that cost differently: the input read from prompt caches, the output spent reasoning.
  tokenParts: { in: g.prompt_tokens, cached: g.cached_tokens, out: g.completion_tokens, reasoning: g.reasoning_tokens },
  cost: g.cost_usd,
  unpriced: g.unpriced_calls,
  p50: g.latency_ms.p50,
  p95: g.latency_ms.p95,
  ratings: g.ratings,
  positiveShare: g.positive_share,
});

const NO_CALLS = { calls: 0, errors: 0, tokens: 0, tokenParts: { in: 0, cached: 0, out: 0, reasoning: 0 }, cost: 0, unpriced: 0, p50: null, p95: null, ratings: 0, positiveShare: null };

/** "Typed vars · v1": a prompt and the version a call used. */
const promptVersionLabel = (title: string | null, version: number | null) =>
  `${title ?? 'Deleted prompt'}${version === null ? '' : ` · v${version}`}`;

/** The days `from` to `to` (inclusive) as days of `tz`, an IANA zone; `me` is the reader (their own calls say "You"). */
export async function loadUsage(api: Api, from: string, to: string, tz: string, me: string | null) {
  const s = await ok(api.GET('/api/usage/summary', { params: { query: { from, to: nextDay(to), tz } } }));
  const days = s.by_day.map((g) => ({ day: g.day ?? g.key, ...stats(g) }));
  return {
    timeZone: s.time_zone,
    totals: s.totals,
    days: everyDay(from, to, days, (day) => ({ day, ...NO_CALLS })),
    byDayProvider: s.by_day_provider.map((g) => ({ day: g.day ?? '', provider: g.provider ?? '', tokens: g.total_tokens, cost: g.cost_usd })),
    models: s.by_model.map((g) => ({ model: g.model ?? g.key, provider: g.provider, ...stats(g) })),
    projects: s.by_project.map((g) => ({ id: g.project_id, name: usageProject(g), ...stats(g) })),
    // The web app and each API key (a revoked one too: what did it spend?).
    sources: s.by_api_key.map((g) => ({ id: g.api_key_id, name: usageSource(g), ...stats(g) })),
    // What the calls were for: chat answers, chat titles (the naming of new chats, billed too), the API, embeddings.
    purposes: s.by_purpose.map((g) => ({ key: g.purpose ?? 'unknown', label: usagePurpose(g.purpose) ?? 'Not recorded (older calls)', ...stats(g) })),
    // Who asked (a group chat's members whose turns the reader paid for): said only when someone else did.
    askers: othersAsked(s.by_asker, me) ? s.by_asker.map((g) => ({ key: g.key, label: usageAsker(g, me), ...stats(g) })) : null,
    // The calls the reader asked that someone else paid for: counts and tokens, never their dollars.
    paidByOthers: s.paid_by_others,
    // The chats that cost the reader most in the range, each linking to the chat.
    byChat: s.by_chat,
    promptVersions: s.by_prompt_version.map((g) => ({
      promptId: g.prompt_id,
      version: g.prompt_version,
      label: g.prompt_id ? promptVersionLabel(g.prompt_title, g.prompt_version) : 'No prompt',
      ...stats(g),
    })),
    // The newest calls of the range; each names its prompt's version as "By prompt version" does.
    recent: s.recent.map(({ id, executed_at, provider, model, status, prompt_id, prompt_title, prompt_version, ttft_ms, latency_ms, token_count, cost_usd, error_code, purpose, ...call }) => ({
      id, executed_at, provider, model, status, ttft_ms, latency_ms, token_count, cost_usd, error_code, source: usageSource(call),
      askedBy: usageAsker({ ...call, purpose }, me),
      purpose: usagePurpose(purpose),
      tokenParts: { in: call.prompt_tokens, cached: call.cached_tokens, out: call.completion_tokens, reasoning: call.reasoning_tokens },
      prompt: prompt_id ? { id: prompt_id, label: promptVersionLabel(prompt_title, prompt_version) } : null,
    })),
  };
}
