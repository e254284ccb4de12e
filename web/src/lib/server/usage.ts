// Shapes /api/usage answers into what the usage charts draw. Tokens per day by provider
// comes from one provider-grouped report per active day (the API groups by one key).
import type { ApiClient } from '$lib/api';

export interface UsageStats {
  calls: number;
  errors: number;
  stopped: number;
  total_tokens: number;
  latency_ms: { p50: number | null; p95: number | null };
  ttft_ms: { p50: number | null; p95: number | null };
}

interface UsageGroup extends UsageStats {
  key: string;
  day: string | null;
  provider: string | null;
  model: string | null;
}

interface UsageReport {
  totals: UsageStats;
  groups: UsageGroup[];
}

export interface UsageCall {
  id: string;
  executed_at: string;
  provider: string;
  model: string;
  status: string;
  prompt_title: string | null;
  ttft_ms: number | null;
  latency_ms: number | null;
  token_count: number | null;
  error_code: string | null;
}

const MAX_DAYS_WITH_BREAKDOWN = 62;

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export async function loadUsage(api: ApiClient, from: string, to: string) {
  const range = { from, to: nextDay(to) };
  const [byDay, byModel, recent] = await Promise.all([
    api.get<UsageReport>('/usage', { ...range, group_by: 'day' }),
    api.get<UsageReport>('/usage', { ...range, group_by: 'model' }),
    api.get<{ calls: UsageCall[] }>('/usage/recent', { limit: 50 }),
  ]);
  const activeDays = byDay.groups.filter((g) => g.day && g.calls > 0).slice(-MAX_DAYS_WITH_BREAKDOWN);
  const perDay = await Promise.all(
    activeDays.map(async (g) => {
      const report = await api.get<UsageReport>('/usage', { from: g.day, to: nextDay(g.day ?? from), group_by: 'provider' });
      return { day: g.day ?? '', providers: report.groups.map((p) => ({ provider: p.provider ?? p.key, tokens: p.total_tokens })) };
    }),
  );
  return {
    totals: byDay.totals,
    days: byDay.groups.map((g) => ({ day: g.day ?? g.key, calls: g.calls, errors: g.errors, tokens: g.total_tokens })),
    tokensByDayProvider: perDay,
    latencyByModel: byModel.groups.map((g) => ({ model: g.model ?? g.key, provider: g.provider, p50: g.latency_ms.p50, p95: g.latency_ms.p95 })),
    recent: recent.calls.map(({ id, executed_at, provider, model, status, prompt_title, ttft_ms, latency_ms, token_count, error_code }) => ({
      id, executed_at, provider, model, status, prompt_title, ttft_ms, latency_ms, token_count, error_code,
    })),
  };
}
