/**
 * /api/usage: what the caller's provider calls cost — aggregates over a time range grouped
 * by day (UTC), provider, model or prompt version, with p50/p95 latency and time to first
 * token computed in SQL (percentile_cont), and the most recent calls.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError } from '../lib/errors.ts';
import { optionalQuery } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
import { limitParam } from '../lib/pagination.ts';
import { UsageLogSchema, type UsageLogRow } from '../lib/resource-schemas.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;

// A date (midnight UTC) or a full ISO timestamp with an offset.
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((s) => new Date(s));

const UsageQuery = z.strictObject({
  from: optionalQuery(instant).openapi({ param: { name: 'from', in: 'query' }, description: 'Default: 30 days before `to`' }),
  to: optionalQuery(instant).openapi({ param: { name: 'to', in: 'query' }, description: 'Exclusive; default now' }),
  group_by: optionalQuery(z.enum(['day', 'provider', 'model', 'prompt'])).openapi({
    param: { name: 'group_by', in: 'query' },
    description: 'day (default), provider, model or prompt (version)',
  }),
});

const Percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });
const Stats = z.object({
  calls: z.number().int(),
  errors: z.number().int(),
  stopped: z.number().int(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  latency_ms: Percentiles,
  ttft_ms: Percentiles,
});
const UsageGroup = Stats.extend({
  key: z.string().openapi({ description: 'The day (YYYY-MM-DD), provider, provider/model or prompt_id@version' }),
  day: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  prompt_id: z.uuid().nullable(),
  prompt_version: z.number().int().nullable(),
  prompt_title: z.string().nullable(),
}).openapi('UsageGroup');
const UsageReport = z
  .object({
    from: z.string(),
    to: z.string(),
    group_by: z.enum(['day', 'provider', 'model', 'prompt']),
    totals: Stats,
    groups: z.array(UsageGroup),
  })
  .openapi('UsageReport');

const RecentQuery = z.strictObject({ limit: limitParam(20, 100) });
const RecentUsage = z.object({ calls: z.array(UsageLogSchema) }).openapi('RecentUsage');

const tags = ['usage'];
const routes = {
  report: createRoute({
    method: 'get', path: '/', tags, security,
    summary: 'Calls, errors, tokens and latency percentiles over a range, grouped',
    request: { query: UsageQuery },
    responses: { 200: jsonResponse(UsageReport, 'The report'), ...errorResponses(400, 401) },
  }),
  recent: createRoute({
    method: 'get', path: '/recent', tags, security,
    summary: 'The most recent provider calls',
    request: { query: RecentQuery },
    responses: { 200: jsonResponse(RecentUsage, 'Recent calls, newest first'), ...errorResponses(400, 401) },
  }),
};

interface StatsRow {
  calls: number;
  errors: number;
  stopped: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  latency_p50: number | null;
  latency_p95: number | null;
  ttft_p50: number | null;
  ttft_p95: number | null;
}
interface GroupRow extends StatsRow {
  day: string | null;
  provider: string | null;
  model: string | null;
  prompt_id: string | null;
  prompt_version: number | null;
  prompt_title: string | null;
}

// Grouping columns by group_by; fixed SQL chosen from an enum, never from input text.
const GROUPINGS = {
  day: { select: `to_char(date_trunc('day', l.executed_at at time zone 'UTC'), 'YYYY-MM-DD') as day`, group: '1', order: 'day' },
  provider: { select: 'l.provider', group: 'l.provider', order: 'calls desc, l.provider' },
  model: { select: 'l.provider, l.model', group: 'l.provider, l.model', order: 'calls desc, l.provider, l.model' },
  prompt: {
    select: 'l.prompt_id, l.prompt_version, max(p.title) as prompt_title',
    group: 'l.prompt_id, l.prompt_version',
    order: 'calls desc, l.prompt_id nulls last, l.prompt_version',
  },
} as const;

const STATS = `count(*)::int as calls,
  count(*) filter (where l.status = 'error')::int as errors,
  count(*) filter (where l.status = 'stopped')::int as stopped,
  coalesce(sum(l.prompt_tokens), 0)::float8 as prompt_tokens,
  coalesce(sum(l.completion_tokens), 0)::float8 as completion_tokens,
  coalesce(sum(coalesce(l.token_count, coalesce(l.prompt_tokens, 0) + coalesce(l.completion_tokens, 0))), 0)::float8 as total_tokens,
  percentile_cont(0.5) within group (order by l.latency_ms) as latency_p50,
  percentile_cont(0.95) within group (order by l.latency_ms) as latency_p95,
  percentile_cont(0.5) within group (order by l.ttft_ms) as ttft_p50,
  percentile_cont(0.95) within group (order by l.ttft_ms) as ttft_p95`;

export const usageRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
usageRoutes.use('*', requireUser);

usageRoutes.openapi(routes.report, async (c) => {
  const query = c.req.valid('query');
  const groupBy = query.group_by ?? 'day';
  const to = query.to ?? new Date();
  const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw new ApiError(400, 'invalid_request', '`from` must be before `to`');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new ApiError(400, 'invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days`);
  }
  const { totals, groups } = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [totals] = await sql<StatsRow[]>`select ${sql.unsafe(STATS)} ${range(sql, c.var.user.id, from, to)}`;
    const g = GROUPINGS[groupBy];
    const groups = await sql<GroupRow[]>`
      select ${sql.unsafe(g.select)}, ${sql.unsafe(STATS)}
      ${range(sql, c.var.user.id, from, to)}
      group by ${sql.unsafe(g.group)}
      order by ${sql.unsafe(g.order)}
      limit 1000`;
    return { totals, groups };
  });
  return c.json(
    {
      from: from.toISOString(),
      to: to.toISOString(),
      group_by: groupBy,
      totals: presentStats(totals),
      groups: groups.map((row) => ({ key: groupKey(groupBy, row), ...presentGroup(row) })),
    },
    200,
  );
});

usageRoutes.openapi(routes.recent, async (c) => {
  const { limit } = c.req.valid('query');
  const calls = await c.var.db.withUserTransaction(
    c.var.user,
    (sql) => sql<UsageLogRow[]>`
      select l.id, l.executed_at, l.provider, l.model, l.status, l.prompt_id, l.prompt_version, p.title as prompt_title,
             l.session_id, l.message_id, l.ttft_ms, l.latency_ms, l.prompt_tokens, l.completion_tokens, l.token_count, l.error_code
        from public.prompt_usage_logs l
        left join public.prompts p on p.id = l.prompt_id
       where l.user_id = ${c.var.user.id}
       order by l.executed_at desc, l.id desc
       limit ${limit}`,
  );
  return c.json({ calls }, 200);
});

/** The rows of one user's calls in [from, to), with the prompt title when still readable. */
function range(sql: TransactionSql, userId: string, from: Date, to: Date) {
  return sql`
    from public.prompt_usage_logs l
    left join public.prompts p on p.id = l.prompt_id
   where l.user_id = ${userId} and l.executed_at >= ${from} and l.executed_at < ${to}`;
}

function presentStats(row: StatsRow) {
  return {
    calls: row.calls,
    errors: row.errors,
    stopped: row.stopped,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    total_tokens: row.total_tokens,
    latency_ms: { p50: row.latency_p50, p95: row.latency_p95 },
    ttft_ms: { p50: row.ttft_p50, p95: row.ttft_p95 },
  };
}

function presentGroup(row: GroupRow) {
  return {
    ...presentStats(row),
    day: row.day ?? null,
    provider: row.provider ?? null,
    model: row.model ?? null,
    prompt_id: row.prompt_id ?? null,
    prompt_version: row.prompt_version ?? null,
    prompt_title: row.prompt_title ?? null,
  };
}

function groupKey(groupBy: keyof typeof GROUPINGS, row: GroupRow): string {
  if (groupBy === 'day') return row.day ?? '';
  if (groupBy === 'provider') return row.provider ?? '';
  if (groupBy === 'model') return `${row.provider}/${row.model}`;
  return row.prompt_id ? `${row.prompt_id}@${row.prompt_version ?? 'latest'}` : 'none';
}
