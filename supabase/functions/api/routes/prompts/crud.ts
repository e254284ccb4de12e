/**
 * /api/prompts CRUD: the library list (mine or public, full-text search, tag filter,
 * keyset pages), create, get (with labels), patch and delete. Every title/content change
 * becomes a new version through the database trigger, with the request's commit message.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import postgres, { type TransactionSql } from 'postgres';
import type { AppEnv } from '../../lib/context.ts';
import { codePoints, nonEmpty, NOTHING_TO_UPDATE, optionalQuery, trimmed } from '../../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../../lib/openapi.ts';
import { limitParam, takePage } from '../../lib/pagination.ts';
import { PromptSchema, type PromptRow } from '../../lib/resource-schemas.ts';
import { jsonbText } from '../../lib/jsonb.ts';
import { heavyRateLimit } from '../../lib/rate-limit.ts';
import { ApiError } from '../../lib/errors.ts';
import {
  assertKnownProvider,
  checkExpectedVersion,
  checkUnversionedEdit,
  loadLabels,
  loadOwnPrompt,
  loadVisiblePrompt,
  presentPrompt,
  PROMPT_COLUMNS,
  promptFields,
  SHARED_PROMPT_COLUMNS,
  rethrowNameTaken,
  revisionToWrite,
  setCommitMessage,
  tagFilter,
} from './model.ts';
import { decodeSortCursor, sortCursor, sortParam, sortSql, type PromptSort, type SortCursor, type SortKeyColumns } from './list-order.ts';

const CreatePrompt = z
  .strictObject({
    name: promptFields.name.optional().openapi({ description: 'Default: suggested from the title (unique among your prompts)' }),
    config: promptFields.config.default({}),
    title: promptFields.title,
    description: promptFields.description.default(''),
    content: promptFields.content,
    tags: promptFields.tags.default([]),
    is_public: promptFields.is_public.default(false),
    commit_message: promptFields.commit_message.optional(),
  })
  .openapi('CreatePrompt');

const UpdatePrompt = z.strictObject(promptFields).partial().refine(nonEmpty, NOTHING_TO_UPDATE).openapi('UpdatePrompt');

/**
 * How many matches of a search sorted other than by change are put in order: the search finds
 * the newest first (search_prompt_page_ids), and sorting all of a large public library's matches
 * by name would read every one. A library of a few thousand prompts is sorted whole.
 */
const SORTED_SEARCH_MATCHES = 5000;

const ListQuery = z.strictObject({
  scope: optionalQuery(z.enum(['mine', 'public'])).openapi({ param: { name: 'scope', in: 'query' }, description: 'mine (default) or public' }),
  // Blank is no search (a search box submitted with only spaces lists everything, as empty does).
  q: optionalQuery(z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), optionalQuery(trimmed(1, 200))))
    .openapi({ param: { name: 'q', in: 'query' }, description: 'Web-search syntax over title, description and content, the last word also as a prefix; ' +
      'without quotes or `-word`, also part of a word in the name, title, description or current template (3 characters or more). ' +
      'Results come in the order `sort` asks; sorted other than by `updated`, a search orders its ' + SORTED_SEARCH_MATCHES.toLocaleString('en') +
      ' most recently changed matches. Blank: no search' }),
  tag: optionalQuery(tagFilter).openapi({ param: { name: 'tag', in: 'query' } }),
  sort: sortParam,
  limit: limitParam(20, 100),
  // Longer than other lists' cursors: sorted by name, a cursor holds a title (up to 200 characters).
  cursor: optionalQuery(z.string().min(1).max(2048)).openapi({ param: { name: 'cursor', in: 'query' } }),
});

// Sorted by use, a list says the count it is sorted by: without it the order cannot be told apart
// from any other.
const recentUses = z.number().int().optional().openapi({
  description: 'With `sort=most_used` only: how many times the caller ran this prompt in the last 30 days',
});
const PromptList = z.object({ prompts: z.array(PromptSchema.extend({ recent_uses: recentUses })), next_cursor: z.string().nullable() }).openapi('PromptList');

/** A prompt as a list or a picker shows it: everything but the template, which can be 100 KB. */
const PromptSummarySchema = PromptSchema.omit({ content: true, labels: true })
  .extend({ chars: z.number().int().openapi({ description: "The template's length in characters" }), recent_uses: recentUses })
  .openapi('PromptSummary');
const PromptSummaryList = z.object({ prompts: z.array(PromptSummarySchema), next_cursor: z.string().nullable() }).openapi('PromptSummaryList');

const tags = ['prompts'];
const IdParams = UuidParam();
const SEARCH_COST = "A search (`q`) takes a token of the caller's `heavy` bucket (429 with Retry-After past it; a list without one takes none) " +
  'and may run 2 s in the database (then 503 `search_timeout`).';

const routes = {
  list: createRoute({
    method: 'get', path: '/', tags, security,
    summary: 'List my prompts or the public library, newest change first or as `sort` asks',
    description: SEARCH_COST,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(PromptList, 'A page of prompts'), ...errorResponses(400, 401, 429) },
  }),
  summaries: createRoute({
    method: 'get', path: '/summaries', tags, security,
    summary: 'The same list without the templates (for a library page or a picker)',
    description: 'Takes the same filters and cursors as `GET /prompts`; each prompt comes with its variables and its template\'s length, not the template. ' + SEARCH_COST,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(PromptSummaryList, 'A page of prompts'), ...errorResponses(400, 401, 429) },
  }),
  create: createRoute({
    method: 'post', path: '/', tags, security,
    summary: 'Create a prompt (version 1)',
    request: { body: jsonBody(CreatePrompt) },
    responses: { 201: jsonResponse(PromptSchema, 'The new prompt'), ...errorResponses(400, 401, 409) },
  }),
  get: createRoute({
    method: 'get', path: '/{id}', tags, security,
    summary: 'Get a prompt (own or public) with its labels',
    request: { params: IdParams },
    responses: { 200: jsonResponse(PromptSchema, 'The prompt'), ...errorResponses(400, 401, 404) },
  }),
  update: createRoute({
    method: 'patch', path: '/{id}', tags, security,
    summary: 'Change a prompt; a new title or content makes a new version',
    request: { params: IdParams, body: jsonBody(UpdatePrompt) },
    responses: { 200: jsonResponse(PromptSchema, 'The updated prompt'), ...errorResponses(400, 401, 403, 404, 409, 428) },
  }),
  delete: createRoute({
    method: 'delete', path: '/{id}', tags, security,
    summary: 'Delete a prompt with its versions and labels',
    request: { params: IdParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
  }),
};

/**
 * The library search as a tsquery: web-search syntax (`"a phrase"`, `-word`, `or`), where a
 * last word still being typed also matches as a prefix ("summ" finds "Summarise"), as a
 * search box is used. A last word inside an open quote or negated stays whole.
 */
function searchQuery(sql: TransactionSql, q: string) {
  const last = /(?<=^|\s)([\p{L}\p{N}_]+)$/u.exec(q);
  const quoted = (q.match(/"/g)?.length ?? 0) % 2 === 1;
  if (!last || quoted) return sql`websearch_to_tsquery('simple', ${q})`;
  const head = q.slice(0, last.index);
  return sql`(websearch_to_tsquery('simple', ${head}) && to_tsquery('simple', quote_literal(${last[1]}) || ':*'))`;
}

/**
 * The `ilike` pattern for part of a word in a name, title, description or template ("mmar" finds
 * "Summary"), or null where the query is search syntax (a quote, a `-word`) or too short for
 * the trigram index (under 3 characters) to narrow it down. `%`, `_` and `\` match themselves.
 */
function substringPattern(q: string): string | null {
  if (q.length < 3 || q.includes('"') || /(^|\s)-/.test(q)) return null;
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * What a library search matches: words (full text, the last one as a prefix) or part of a
 * name, title, description or the current template (the newest version's) — as the ids of the
 * page the list asks for (its scope, tag, cursor and `take` rows, newest change first).
 */
function searchMatch(
  sql: TransactionSql,
  q: string,
  page: { scope: 'mine' | 'public'; tag: string | undefined; after: { t: string; id: string } | null; take: number },
) {
  // Matched by the definer, where the full-text and pg_trgm indexes can answer it (under RLS they
  // cannot: `@@` and `ilike` are not leakproof), and only as far as the page goes: a common
  // fragment is found among the newest rows without rechecking every template that has it. The
  // rows are then read through RLS as the caller
  // (20261204145903_search_prompt_pages_newest_first.sql).
  return sql`p.id in (select public.search_prompt_page_ids(
    ${searchQuery(sql, q)}, ${substringPattern(q)}::text, ${page.scope === 'public'}, ${page.tag ?? null}::text,
    ${page.after?.t ?? null}::text::timestamptz, ${page.after?.id ?? null}::uuid, ${page.take}::int))`;
}

export const promptCrudRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

// A search, of the caller's prompts or the public library, costs database time that grows with
// the library (each candidate's search vector and template prefix are read): each takes a token
// of the heavy bucket, as /search does. Lists without `q` take none.
const searches = (c: Context<AppEnv>) => c.req.method === 'GET' && Boolean(c.req.query('q')?.trim());
promptCrudRoutes.use('/', heavyRateLimit(1, searches));
promptCrudRoutes.use('/summaries', heavyRateLimit(1, searches));

/**
 * The longest a library search may run in the database: it answers in tens of milliseconds
 * on 10,000 prompts; a query that still takes this long is cancelled (503 search_timeout).
 * public.search_prompt_page_ids carries the same `statement_timeout` for Data API callers
 * (20261206090000_bound_prompt_search.sql).
 */
const SEARCH_TIMEOUT = '2s';
const QUERY_CANCELED = '57014';

/**
 * What a search adds to a page's condition: in the default order the search itself finds the page
 * after the cursor; in another order, the newest SORTED_SEARCH_MATCHES matches, which the order
 * and the cursor then page through.
 */
function searchCondition(sql: TransactionSql, q: string, page: { scope: 'mine' | 'public'; tag: string | undefined; sort: PromptSort; after: SortCursor | null; take: number }) {
  const { scope, tag, sort, after, take } = page;
  if (sort === 'updated') return searchMatch(sql, q, { scope, tag, after: after?.s === 'updated' ? after : null, take });
  return searchMatch(sql, q, { scope, tag, after: null, take: SORTED_SEARCH_MATCHES });
}

/** A page of the library as the list's query asks (mine or public, search, tag, order, cursor). */
async function listPage(c: Context<AppEnv>, query: z.infer<typeof ListQuery>) {
  const { scope = 'mine', q, tag, sort = 'updated', limit, cursor } = query;
  const after = cursor ? decodeSortCursor(cursor, sort) : null;
  const rows = await c.var.db.withUserTransaction(
    c.var.user,
    async (sql) => {
      const order = sortSql(sql, sort, c.var.user.id, after);
      // For this transaction only; pipelined with the list's statement (same connection, in order).
      const [, rows] = await Promise.all([
        q ? sql`select set_config('statement_timeout', ${SEARCH_TIMEOUT}, true)`.execute() : null,
        sql<(PromptRow & SortKeyColumns)[]>`
          select ${sql.unsafe(scope === 'mine' ? PROMPT_COLUMNS : SHARED_PROMPT_COLUMNS)}, ${order.keys}
            from ${scope === 'mine' ? sql`public.prompts p` : sql`public.shared_prompts p`}
            ${order.join}
           where ${scope === 'mine' ? sql`p.user_id = ${c.var.user.id}` : sql`true`}
             ${q ? sql`and ${searchCondition(sql, q, { scope, tag, sort, after, take: limit + 1 })}` : sql``}
             ${tag ? sql`and p.tags @> array[${tag}]::text[]` : sql``}
             ${order.after}
           order by ${order.order}
           limit ${limit + 1}`,
      ]);
      return rows;
    },
  ).catch((error: unknown) => {
    if (error instanceof postgres.PostgresError && error.code === QUERY_CANCELED) {
      throw new ApiError(503, 'search_timeout', 'This search took too long; try more specific words');
    }
    throw error;
  });
  const page = takePage(rows, limit, (row) => sortCursor(sort, row));
  const prompts = page.items.map(({ sort_t: _t, sort_k: _k, sort_n: uses, ...row }) =>
    sort === 'most_used' ? { ...presentPrompt(row), recent_uses: uses } : presentPrompt(row));
  return { prompts, next_cursor: page.next_cursor };
}

promptCrudRoutes.openapi(routes.list, async (c) => c.json(await listPage(c, c.req.valid('query')), 200));

// Registered before GET /{id}, which would otherwise read `summaries` as an id.
promptCrudRoutes.openapi(routes.summaries, async (c) => {
  const { prompts, next_cursor } = await listPage(c, c.req.valid('query'));
  return c.json({ prompts: prompts.map(({ content, ...prompt }) => ({ ...prompt, chars: codePoints(content) })), next_cursor }, 200);
});

promptCrudRoutes.openapi(routes.create, async (c) => {
  const input = c.req.valid('json');
  assertKnownProvider(c.var.config, input.config.provider);
  const prompt = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await setCommitMessage(sql, input.commit_message);
    const [{ id }] = await sql<{ id: string }[]>`
      insert into public.prompts (user_id, name, title, description, content, tags, is_public, config)
      values (${c.var.user.id}, ${input.name ?? null}, ${input.title}, ${input.description}, ${input.content}, ${input.tags}::text[],
              ${input.is_public}, ${jsonbText(input.config)}::text::jsonb)
      returning id`;
    return presentPrompt(await loadVisiblePrompt(sql, id), []);
  }).catch(rethrowNameTaken);
  return c.json(prompt, 201);
});

promptCrudRoutes.openapi(routes.get, async (c) => {
  const { id } = c.req.valid('param');
  const prompt = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const row = await loadVisiblePrompt(sql, id);
    return presentPrompt(row, await loadLabels(sql, id));
  });
  return c.json(prompt, 200);
});

promptCrudRoutes.openapi(routes.update, async (c) => {
  const { id } = c.req.valid('param');
  const { commit_message, expected_version, expected_revision, ...patch } = c.req.valid('json');
  const prompt = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const current = await loadOwnPrompt(sql, id);
    assertKnownProvider(c.var.config, patch.config?.provider, current.config.provider);
    const base = { expected_version, expected_revision };
    checkExpectedVersion(current, base);
    checkUnversionedEdit(current, patch, base);
    const sharedLabel = await sharedLabelAfter(sql, current, patch);
    await setCommitMessage(sql, commit_message);
    await sql`
      update public.prompts set
        name = ${patch.name ?? current.name},
        config = ${jsonbText(patch.config ?? current.config)}::text::jsonb,
        title = ${patch.title ?? current.title},
        description = ${patch.description ?? current.description},
        content = ${patch.content ?? current.content},
        tags = ${patch.tags ?? current.tags}::text[],
        is_public = ${patch.is_public ?? current.is_public},
        shared_label = ${sharedLabel},
        revision = ${revisionToWrite(current, base)}
       where id = ${id}`;
    return presentPrompt(await loadVisiblePrompt(sql, id), await loadLabels(sql, id));
  }).catch(rethrowNameTaken);
  return c.json(prompt, 200);
});

/**
 * The label a public prompt is shared at after an edit: the one asked for, else the one it has;
 * a prompt being made public starts at `production` when it has that label, so a draft saved
 * later is not shown to everyone. The database refuses a label the prompt does not have too.
 */
async function sharedLabelAfter(sql: TransactionSql, current: PromptRow, patch: { is_public?: boolean; shared_label?: string | null }) {
  const isPublic = patch.is_public ?? current.is_public;
  if (!isPublic) {
    if (patch.shared_label) throw new ApiError(400, 'invalid_request', 'shared_label: only a public prompt is shared at a label').about('shared_label');
    return null;
  }
  const wanted = patch.shared_label !== undefined ? patch.shared_label : current.is_public ? current.shared_label : 'production';
  if (wanted === null) return null;
  const [label] = await sql`select 1 from public.prompt_labels where prompt_id = ${current.id} and label = ${wanted}`;
  if (label) return wanted;
  if (patch.shared_label === undefined) return null;
  throw new ApiError(400, 'invalid_request', `shared_label: this prompt has no label "${wanted}"; set it on a version first`).about('shared_label');
}

promptCrudRoutes.openapi(routes.delete, async (c) => {
  const { id } = c.req.valid('param');
  await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadOwnPrompt(sql, id);
    await sql`delete from public.prompts where id = ${id}`;
  });
  return c.body(null, 204);
});
