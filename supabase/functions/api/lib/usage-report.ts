/**
 * The usage aggregate query: a user's calls in a time range, grouped by any combination of
 * day (a calendar day in the caller's time zone, lib/usage-range.ts), provider, model, project, prompt version,
 * source (the API key that made a call, or the web app), purpose (a chat answer, a chat's title, …) and asker (who asked: a group chat's member whose turn the caller paid for) — several groupings and the totals
 * in ONE SQL statement (GROUPING SETS), with calls, errors, tokens, dollars and latency
 * percentiles computed in Postgres. Routes choose the groupings; the SQL is fixed text
 * chosen from an enum, never built from input.
 */
import type { TransactionSql } from 'postgres';
import type { UsagePurpose } from './resource-schemas.ts';

export const DIMENSIONS = ['day', 'provider', 'model', 'project', 'prompt', 'api_key', 'purpose', 'asker'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

// The GROUP BY expressions, in the fixed order GROUPING() reports them (most significant bit first).
const COLUMNS = [
  // The call's calendar day in the request's zone (the lateral `ld` below).
  { dim: 'day', expr: 'ld.day' },
  { dim: 'provider', expr: 'l.provider' },
  { dim: 'model', expr: 'l.model' },
  // A deleted project's calls keep its id (prompt_usage_logs.deleted_project_id), not "No project".
  { dim: 'project', expr: 'coalesce(l.project_id, l.deleted_project_id)' },
  { dim: 'prompt', expr: 'l.prompt_id' },
  { dim: 'prompt', expr: 'l.prompt_version' },
  // null: the web app.
  { dim: 'api_key', expr: 'l.api_key_id' },
  // What the call was for (null: logged before it was recorded).
  { dim: 'purpose', expr: 'l.purpose' },
  // Who asked (null: a deleted account, or not recorded).
  { dim: 'asker', expr: 'l.asked_by' },
] as const;

/** The GROUP BY columns for a set of dimensions (a model is named with its provider). */
function columnsOf(dims: readonly Dimension[]): number[] {
  const wanted = new Set<Dimension>(dims);
  if (wanted.has('model')) wanted.add('provider');
  return COLUMNS.flatMap((c, i) => (wanted.has(c.dim) ? [i] : []));
}

/** GROUPING()'s bitmask over the `used` columns: 1 bits are the columns a set does not group by. */
function maskOf(dims: readonly Dimension[], used: number[]): number {
  const grouped = new Set(columnsOf(dims));
  return used.reduce((mask, col, i) => (grouped.has(col) ? mask : mask | (1 << (used.length - 1 - i))), 0);
}

/**
 * The sums of calls `l` (public.prompt_usage_logs) every usage view shows: a report's groups, a
 * chat's usage and the chats that cost most (lib/usage-chats.ts). A call without usage counts
 * its stored token_count, else prompt + completion; an unpriced call counts 0 dollars and is
 * counted apart.
 */
export const CALL_TOTALS = `count(*)::int as calls,
  coalesce(sum(l.prompt_tokens), 0)::float8 as prompt_tokens,
  coalesce(sum(l.completion_tokens), 0)::float8 as completion_tokens,
  coalesce(sum(coalesce(l.token_count, coalesce(l.prompt_tokens, 0) + coalesce(l.completion_tokens, 0))), 0)::float8 as total_tokens,
  coalesce(sum(l.cost_usd), 0)::float8 as cost_usd,
  count(*) filter (where l.cost_usd is null)::int as unpriced_calls`;

const STATS = `${CALL_TOTALS},
  count(*) filter (where l.status = 'error')::int as errors,
  count(*) filter (where l.status = 'stopped')::int as stopped,
  coalesce(sum(l.cached_tokens), 0)::float8 as cached_tokens,
  coalesce(sum(l.reasoning_tokens), 0)::float8 as reasoning_tokens,
  count(sc.rating)::int as ratings,
  avg((sc.rating > 0)::int)::float8 as positive_share,
  percentile_cont(0.5) within group (order by l.latency_ms) as latency_p50,
  percentile_cont(0.95) within group (order by l.latency_ms) as latency_p95,
  percentile_cont(0.5) within group (order by l.ttft_ms) as ttft_p50,
  percentile_cont(0.95) within group (order by l.ttft_ms) as ttft_p95`;

export interface UsageRow {
  mask: number;
  day: string | null;
  provider: string | null;
  model: string | null;
  project_id: string | null;
  project_name: string | null;
  prompt_id: string | null;
  prompt_version: number | null;
  prompt_title: string | null;
  /** The project is deleted: its name is the one it had (its owner's calls only). */
  project_deleted: boolean | null;
  api_key_id: string | null;
  api_key_name: string | null;
  api_key_prefix: string | null;
  api_key_revoked: boolean | null;
  purpose: UsagePurpose | null;
  asked_by: string | null;
  calls: number;
  errors: number;
  stopped: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: number;
  unpriced_calls: number;
  ratings: number;
  positive_share: number | null;
  latency_p50: number | null;
  latency_p95: number | null;
  ttft_p50: number | null;
  ttft_p95: number | null;
}

/**
 * Runs one statement returning a row per group of every requested grouping, plus the
 * totals (the empty grouping). `sets` maps a name to its dimensions; the result maps each
 * name to its rows (days in order, other groupings by calls, most first).
 */
export async function queryUsage<K extends string>(
  sql: TransactionSql,
  userId: string,
  range: { from: Date; to: Date; tz: string; promptId?: string },
  sets: Record<K, readonly Dimension[]>,
  maxRows = 5000,
): Promise<{ totals: UsageRow; groups: Record<K, UsageRow[]> }> {
  const names = Object.keys(sets) as K[];
  // GROUPING() and the select list may only name columns some set groups by.
  const used = [...new Set(names.flatMap((n) => columnsOf(sets[n])))].sort((x, y) => x - y);
  const col = (i: number, as: string) => (used.includes(i) ? `${COLUMNS[i].expr} as ${as}` : `null as ${as}`);
  const groupingSets = [...names.map((n) => columnsOf(sets[n])), []]
    .map((cols) => `(${cols.map((i) => COLUMNS[i].expr).join(', ')})`)
    .join(', ');
  const mask = used.length ? `grouping(${used.map((i) => COLUMNS[i].expr).join(', ')})` : '0';
  const dayText = used.includes(0) ? `to_char(${COLUMNS[0].expr}::timestamp, 'YYYY-MM-DD')` : 'null::text';
  const totalsMask = (1 << used.length) - 1;
  const rows = await sql<UsageRow[]>`
    select ${sql.unsafe(mask)} as mask, ${sql.unsafe(dayText)} as day,
           ${sql.unsafe([col(1, 'provider'), col(2, 'model'), col(3, 'project_id'), col(4, 'prompt_id'), col(5, 'prompt_version'), col(6, 'api_key_id'), col(7, 'purpose'), col(8, 'asked_by')].join(', '))},
           coalesce(max(pr.name), max(l.deleted_project_name)) as project_name, coalesce(max(p.title), max(sp.title)) as prompt_title,
           (max(pr.name) is null and bool_or(l.deleted_project_id is not null)) as project_deleted,
           max(k.name) as api_key_name, max(k.prefix) as api_key_prefix, bool_or(k.revoked_at is not null) as api_key_revoked,
           ${sql.unsafe(STATS)}
      from public.prompt_usage_logs l
      left join public.prompts p on p.id = l.prompt_id
      -- Someone else's public prompt: its title as they see it (they cannot read its row).
      left join public.shared_prompts sp on sp.id = l.prompt_id and p.id is null
      -- The project the call was made in (prompt_usage_logs.project_id), not the chat's current one.
      left join public.projects pr on pr.id = l.project_id
      -- The API key that made the call (the caller's own: a log names only its user's keys).
      left join public.api_keys k on k.id = l.api_key_id
      -- The caller's rating of this call: on the call itself, else on its chat answer.
      left join lateral (
        select coalesce(
          (select a.rating from public.answer_scores a where a.usage_log_id = l.id and a.user_id = l.user_id),
          (select a.rating from public.answer_scores a where a.message_id = l.message_id and a.user_id = l.user_id)) as rating
      ) sc on true
      -- Postgres turns the instant into the zone's wall-clock time, DST included; the zone is a
      -- bound parameter here, so the GROUP BY expressions above stay fixed text.
      cross join lateral (select (l.executed_at at time zone ${range.tz})::date as day) ld
     where l.user_id = ${userId} and l.executed_at >= ${range.from} and l.executed_at < ${range.to}
       ${range.promptId ? sql`and l.prompt_id = ${range.promptId}` : sql``}
     group by grouping sets (${sql.unsafe(groupingSets)})
     -- The totals row first: past maxRows groups (a year of many prompt versions), the last
     -- groups are left out, never the totals.
     order by ${sql.unsafe(`${mask} = ${totalsMask}`)} desc, mask, day nulls last, calls desc, provider, model, project_id nulls last, prompt_id nulls last, prompt_version, api_key_id nulls first, purpose nulls last, asked_by nulls last
     limit ${maxRows}`;
  const groups = Object.fromEntries(names.map((n) => [n, [] as UsageRow[]])) as Record<K, UsageRow[]>;
  const byMask = new Map<number, K[]>();
  for (const n of names) byMask.set(maskOf(sets[n], used), [...(byMask.get(maskOf(sets[n], used)) ?? []), n]);
  let totals: UsageRow | null = null;
  for (const row of rows) {
    if (row.mask === totalsMask) totals = row;
    for (const n of byMask.get(row.mask) ?? []) groups[n].push(row);
  }
  return { totals: totals ?? emptyTotals(totalsMask), groups };
}

// With no rows at all, GROUPING SETS still yields the () row; this is only a fallback.
function emptyTotals(mask: number): UsageRow {
  return {
    mask, day: null, provider: null, model: null, project_id: null, project_name: null, prompt_id: null,
    prompt_version: null, prompt_title: null, project_deleted: null, api_key_id: null, api_key_name: null, api_key_prefix: null, api_key_revoked: null, purpose: null, asked_by: null, calls: 0, errors: 0, stopped: 0, prompt_tokens: 0, cached_tokens: 0,
    completion_tokens: 0, reasoning_tokens: 0, total_tokens: 0, cost_usd: 0, unpriced_calls: 0, ratings: 0, positive_share: null, latency_p50: null, latency_p95: null,
    ttft_p50: null, ttft_p95: null,
  };
}

/** The stats of a row as the API returns them. */
export function presentStats(row: UsageRow) {
  return {
    calls: row.calls,
    errors: row.errors,
    stopped: row.stopped,
    prompt_tokens: row.prompt_tokens,
    cached_tokens: row.cached_tokens,
    completion_tokens: row.completion_tokens,
    reasoning_tokens: row.reasoning_tokens,
    total_tokens: row.total_tokens,
    cost_usd: row.cost_usd,
    unpriced_calls: row.unpriced_calls,
    ratings: row.ratings,
    positive_share: row.positive_share,
    latency_ms: { p50: row.latency_p50, p95: row.latency_p95 },
    ttft_ms: { p50: row.ttft_p50, p95: row.ttft_p95 },
  };
}

/** A group as the API returns it: its dimensions (null when not grouped by) and stats; `askers` names who asked. */
export function presentGroup(row: UsageRow, dims: readonly Dimension[], askers: Map<string, string> = new Map()) {
  const has = (d: Dimension) => dims.includes(d) || (d === 'provider' && dims.includes('model'));
  const parts = dims.map((d) => {
    if (d === 'day') return row.day ?? '';
    if (d === 'provider') return row.provider ?? '';
    if (d === 'model') return `${row.provider}/${row.model}`;
    if (d === 'project') return row.project_id ?? 'none';
    if (d === 'api_key') return row.api_key_id ?? 'web';
    if (d === 'purpose') return row.purpose ?? 'unknown';
    if (d === 'asker') return row.asked_by ?? 'unknown';
    return row.prompt_id ? `${row.prompt_id}@${row.prompt_version ?? 'latest'}` : 'none';
  });
  return {
    key: parts.join(' '),
    ...presentStats(row),
    day: has('day') ? row.day : null,
    provider: has('provider') ? row.provider : null,
    model: has('model') ? row.model : null,
    project_id: has('project') ? row.project_id : null,
    project_name: has('project') ? row.project_name : null,
    project_deleted: has('project') ? Boolean(row.project_deleted) : null,
    prompt_id: has('prompt') ? row.prompt_id : null,
    prompt_version: has('prompt') ? row.prompt_version : null,
    prompt_title: has('prompt') ? row.prompt_title : null,
    api_key_id: has('api_key') ? row.api_key_id : null,
    api_key_name: has('api_key') ? row.api_key_name : null,
    api_key_prefix: has('api_key') ? row.api_key_prefix : null,
    api_key_revoked: has('api_key') ? Boolean(row.api_key_revoked) : null,
    purpose: has('purpose') ? row.purpose : null,
    asked_by: has('asker') ? row.asked_by : null,
    asked_by_name: has('asker') && row.asked_by ? (askers.get(row.asked_by) ?? null) : null,
  };
}
