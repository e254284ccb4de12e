/**
 * /api/usage: what the caller's provider calls cost — aggregates over a time range grouped
 * by any of day (in the caller's time zone, `tz`; lib/usage-range.ts), provider, model, project, prompt version and who asked, with dollars, tokens and
 * p50/p95 latency computed in SQL (lib/usage-report.ts), the dashboard's summary in one
 * call, the most recent calls, and every call of a range as CSV (lib/usage-csv.ts). A member's
 * summary also counts the calls they asked that someone else paid for (a group chat's owner).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import type { AppEnv } from '../lib/context.ts';
import { optionalQuery } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
import { limitParam } from '../lib/pagination.ts';
import { USAGE_PURPOSES, UsageLogSchema } from '../lib/resource-schemas.ts';
import { COLUMNS, CSV_TYPE, usageCsv } from '../lib/usage-csv.ts';
import { askerNames } from '../lib/usage-askers.ts';
import { callsPaidByOthers, PaidByOther, recentCalls } from '../lib/usage-calls.ts';
import { ChatUsageGroup, topChats } from '../lib/usage-chats.ts';
import { DIMENSIONS, presentGroup, presentStats, queryUsage } from '../lib/usage-report.ts';
import { bound, resolveRange } from '../lib/usage-range.ts';
import { timeZoneParam } from '../lib/time-zone.ts';

const dimension = z.enum(DIMENSIONS);
const groupBy = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .pipe(z.array(dimension).min(1).max(DIMENSIONS.length))
  .refine((dims) => new Set(dims).size === dims.length, 'each dimension at most once');

const UsageQuery = z.strictObject({
  prompt_id: optionalQuery(z.uuid()).openapi({ param: { name: 'prompt_id', in: 'query' }, description: 'Only calls made with this prompt' }),
  from: optionalQuery(bound).openapi({ param: { name: 'from', in: 'query' }, description: 'A day (midnight in `tz`) or an instant with an offset; default 30 days before `to`' }),
  to: optionalQuery(bound).openapi({ param: { name: 'to', in: 'query' }, description: 'Exclusive: a day (midnight in `tz`) or an instant with an offset; default now' }),
  tz: optionalQuery(timeZoneParam),
  group_by: optionalQuery(groupBy).openapi({
    param: { name: 'group_by', in: 'query' },
    description: 'Comma-separated dimensions: day (default), provider, model, project, prompt (version), api_key (the key that made a call; none: the web app), purpose (a chat answer, a chat title, the API, embeddings), asker (who asked: you, or a group chat member whose turn you paid for); e.g. `day,provider`',
    example: 'day,provider',
  }),
});

const Percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });
const Stats = z.object({
  calls: z.number().int(),
  errors: z.number().int(),
  stopped: z.number().int(),
  prompt_tokens: z.number(),
  cached_tokens: z.number().openapi({ description: 'The part of prompt_tokens served from providers\' prompt caches' }),
  completion_tokens: z.number(),
  reasoning_tokens: z.number().openapi({ description: 'The part of completion_tokens models spent reasoning (as providers reported it)' }),
  total_tokens: z.number(),
  cost_usd: z.number().openapi({ description: 'USD at the prices in force when each call ran (unpriced calls count 0)' }),
  unpriced_calls: z.number().int().openapi({ description: 'Calls to models without a price' }),
  ratings: z.number().int().openapi({ description: 'Calls whose answer you rated' }),
  positive_share: z.number().nullable().openapi({ description: 'Share of rated calls rated thumbs up (null without ratings)' }),
  latency_ms: Percentiles,
  ttft_ms: Percentiles,
});
const UsageGroup = Stats.extend({
  key: z.string().openapi({ description: 'The group\'s dimensions joined by spaces: day, provider, provider/model, project id, prompt_id@version, API key id (`web`: the web app), purpose (`unknown`: not recorded)' }),
  day: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  project_id: z.uuid().nullable(),
  project_name: z.string().nullable(),
  project_deleted: z.boolean().nullable().openapi({ description: 'The project was deleted; its calls keep its id, and its name on the owner\'s calls' }),
  prompt_id: z.uuid().nullable(),
  prompt_version: z.number().int().nullable(),
  prompt_title: z.string().nullable(),
  api_key_id: z.uuid().nullable().openapi({ description: 'The API key that made the calls; null for the web app (or when not grouped by api_key)' }),
  api_key_name: z.string().nullable(),
  api_key_prefix: z.string().nullable().openapi({ description: 'The key\'s first characters (`mrp_` and 8 more), as the key list shows them: tells apart two keys of one name' }),
  api_key_revoked: z.boolean().nullable(),
  purpose: z.enum(USAGE_PURPOSES).nullable().openapi({ description: 'What the calls were for (when grouped by purpose): chat, title, gateway, embedding; null: not recorded (older calls), or not grouped by purpose' }),
  asked_by: z.uuid().nullable().openapi({ description: 'Who asked for the calls (when grouped by asker): you, or a group chat member whose turns you paid for; null: deleted accounts and calls logged before it was recorded, or not grouped by asker' }),
  asked_by_name: z.string().nullable().openapi({ description: 'Their display name (never an email); null when asked_by is null' }),
}).openapi('UsageGroup');
const TimeZone = z.string().openapi({ description: 'The zone the days are counted in (the `tz` asked for, canonically spelled; UTC by default)', example: 'Europe/Berlin' });
const UsageReport = z
  .object({
    from: z.string(),
    to: z.string(),
    time_zone: TimeZone,
    group_by: z.array(dimension),
    totals: Stats,
    groups: z.array(UsageGroup),
  })
  .openapi('UsageReport');

const RecentQuery = z.strictObject({
  limit: limitParam(20, 100),
  session_id: optionalQuery(z.uuid()).openapi({
    param: { name: 'session_id', in: 'query' },
    description: "Only calls of this chat (what each of its answers cost you; the chat view shows it under the answer)",
  }),
});
const RecentUsage = z.object({ calls: z.array(UsageLogSchema) }).openapi('RecentUsage');

const SUMMARY_SETS = {
  by_day: ['day'],
  by_day_provider: ['day', 'provider'],
  by_model: ['model'],
  by_project: ['project'],
  by_prompt_version: ['prompt'],
  by_api_key: ['api_key'],
  by_purpose: ['purpose'],
  by_asker: ['asker'],
} as const satisfies Record<string, readonly (typeof DIMENSIONS)[number][]>;

const SummaryQuery = UsageQuery.omit({ group_by: true });
const UsageSummary = z
  .object({
    from: z.string(),
    to: z.string(),
    time_zone: TimeZone,
    totals: Stats,
    by_day: z.array(UsageGroup),
    by_day_provider: z.array(UsageGroup),
    by_model: z.array(UsageGroup),
    by_project: z.array(UsageGroup),
    by_prompt_version: z.array(UsageGroup),
    by_api_key: z.array(UsageGroup).openapi({ description: 'Per source: the web app (api_key_id null) and each API key' }),
    by_purpose: z.array(UsageGroup).openapi({ description: 'Per purpose: chat answers, chat titles, API calls, embeddings' }),
    by_asker: z.array(UsageGroup).openapi({ description: 'Per person who asked: you, and each group chat member whose turns you paid for' }),
    by_chat: z.array(ChatUsageGroup).openapi({ description: 'The 10 chats of the range that cost you most (then by calls), with what you paid in each; calls of deleted chats are left out' }),
    paid_by_others: z.array(PaidByOther).openapi({ description: 'The calls of the range you asked that someone else paid for (a group chat whose owner pays for members), per payer: counts and tokens, never their dollars' }),
    recent: z.array(UsageLogSchema).openapi({ description: 'The 20 newest calls of the range (and of `prompt_id` when given), newest first' }),
  })
  .openapi('UsageSummary');

const tags = ['usage'];
const routes = {
  report: createRoute({
    method: 'get', path: '/', tags, security,
    summary: 'Calls, errors, tokens, dollars and latency percentiles over a range, grouped by any dimensions',
    request: { query: UsageQuery },
    responses: { 200: jsonResponse(UsageReport, 'The report'), ...errorResponses(400, 401, 429) },
  }),
  summary: createRoute({
    method: 'get', path: '/summary', tags, security,
    summary: 'Everything the usage dashboard shows, in one call: totals, per day, per day and provider, per model, per project, per prompt version, per source, per purpose, per person who asked (one SQL statement), the 20 newest calls of the range, the chats that cost most, and the calls you asked that someone else paid for',
    request: { query: SummaryQuery },
    responses: { 200: jsonResponse(UsageSummary, 'The dashboard'), ...errorResponses(400, 401, 429) },
  }),
  export: createRoute({
    method: 'get', path: '/export', tags, security,
    summary: 'Every call of a range as CSV, oldest first',
    description:
      `One row per call, with the columns ${COLUMNS.map((c) => `\`${c}\``).join(', ')}: \`executed_at\` in UTC, \`local_time\` the wall-clock time in \`tz\`. ` +
      'Cells that a spreadsheet would run as a formula are escaped; the file starts with a UTF-8 byte-order mark. ' +
      'Same range rules as GET /usage (default the last 30 days, at most 400).',
    request: { query: SummaryQuery },
    responses: { 200: { description: 'The CSV file (an attachment)', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 429) },
  }),
  recent: createRoute({
    method: 'get', path: '/recent', tags, security,
    summary: 'The most recent provider calls',
    request: { query: RecentQuery },
    responses: { 200: jsonResponse(RecentUsage, 'Recent calls, newest first'), ...errorResponses(400, 401, 429) },
  }),
};

export const usageRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
usageRoutes.use('*', requireUser);
usageRoutes.use('*', heavyRateLimit(1));

usageRoutes.openapi(routes.report, async (c) => {
  const query = c.req.valid('query');
  const dims = query.group_by ?? ['day'];
  const { range, totals, groups, askers } = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const range = await resolveRange(sql, query, query.tz ?? 'UTC');
    const report = await queryUsage(sql, c.var.user.id, { ...range, promptId: query.prompt_id }, { groups: dims });
    return { range, ...report, askers: await askerNames(sql, report.groups.groups.map((row) => row.asked_by)) };
  });
  return c.json(
    {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      time_zone: range.tz,
      group_by: dims,
      totals: presentStats(totals),
      groups: groups.groups.map((row) => presentGroup(row, dims, askers)),
    },
    200,
  );
});

usageRoutes.openapi(routes.summary, async (c) => {
  const query = c.req.valid('query');
  const { range, totals, groups, askers, recent, paidByOthers, byChat } = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const range = await resolveRange(sql, query, query.tz ?? 'UTC');
    const report = await queryUsage(sql, c.var.user.id, { ...range, promptId: query.prompt_id }, SUMMARY_SETS);
    // The newest calls of the range shown, not of all time: a range without calls listed newer ones under "No calls in this range".
    const recent = await recentCalls(sql, c.var.user.id, 20, { range, promptId: query.prompt_id });
    // Calls made with a prompt are the caller's own prompts' calls: someone else's key paying
    // for them is not "made with this prompt" on the caller's Usage.
    const paidByOthers = query.prompt_id ? [] : await callsPaidByOthers(sql, { range });
    const byChat = await topChats(sql, c.var.user.id, { ...range, promptId: query.prompt_id });
    return { range, ...report, recent, paidByOthers, byChat, askers: await askerNames(sql, report.groups.by_asker.map((row) => row.asked_by)) };
  });
  const present = (name: keyof typeof SUMMARY_SETS) => groups[name].map((row) => presentGroup(row, SUMMARY_SETS[name], askers));
  return c.json(
    {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      time_zone: range.tz,
      totals: presentStats(totals),
      by_day: present('by_day'),
      by_day_provider: present('by_day_provider'),
      by_model: present('by_model'),
      by_project: present('by_project'),
      by_prompt_version: present('by_prompt_version'),
      by_api_key: present('by_api_key'),
      by_purpose: present('by_purpose'),
      by_asker: present('by_asker'),
      by_chat: byChat,
      paid_by_others: paidByOthers,
      recent,
    },
    200,
  );
});

usageRoutes.openapi(routes.export, async (c) => {
  const query = c.req.valid('query');
  // Resolved (and refused with a 400) before the first byte of the file.
  const range = await c.var.db.readAsUser(c.var.user, (sql) => resolveRange(sql, query, query.tz ?? 'UTC'));
  // The file is named after the local days it covers (`to` is exclusive).
  const days = `${range.firstDay}_${range.lastDay}`;
  return c.body(usageCsv(c.var.db, c.var.user, { ...range, promptId: query.prompt_id }), 200, {
    'content-type': CSV_TYPE,
    'content-disposition': `attachment; filename="mrprompt-usage-${days}.csv"`,
    'cache-control': 'no-store',
  });
});

usageRoutes.openapi(routes.recent, async (c) => {
  const { limit, session_id: sessionId } = c.req.valid('query');
  const calls = await c.var.db.withUserTransaction(c.var.user, (sql) => recentCalls(sql, c.var.user.id, limit, { sessionId }));
  return c.json({ calls }, 200);
});
