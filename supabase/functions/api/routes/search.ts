/**
 * GET /api/search: full-text search over the caller's own messages (RLS), best matches
 * first, each with a short snippet. Snippets are plain text with matches wrapped in
 * « and » — never HTML — so clients render them as text and can highlight between markers.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
import { trimmed } from '../lib/inputs.ts';
import { limitParam } from '../lib/pagination.ts';

const SearchQuery = z.strictObject({
  q: trimmed(1, 200).openapi({ param: { name: 'q', in: 'query' }, description: 'Web-search syntax: words, "phrases", -excluded, or' }),
  limit: limitParam(20, 50),
});

const SearchHit = z
  .object({
    message_id: z.uuid(),
    session_id: z.uuid(),
    session_title: z.string(),
    sender: z.enum(['user', 'assistant', 'system']),
    snippet: z.string().openapi({ description: 'Plain text; matches between « and »' }),
    rank: z.number(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SearchHit');

const SearchResults = z.object({ results: z.array(SearchHit) }).openapi('SearchResults');

const search = createRoute({
  method: 'get',
  path: '/',
  tags: ['search'],
  summary: "Full-text search over the caller's messages",
  security,
  request: { query: SearchQuery },
  responses: { 200: jsonResponse(SearchResults, 'Ranked matches'), ...errorResponses(400, 401, 429) },
});

// ts_headline options: markers that cannot be mistaken for markup, and a few short
// fragments so a long message yields a readable excerpt.
const HEADLINE_OPTIONS = 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

interface HitRow {
  message_id: string;
  session_id: string;
  session_title: string;
  sender: 'user' | 'assistant' | 'system';
  snippet: string;
  rank: number;
  created_at: Date;
}

export const searchRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
searchRoutes.use('*', requireUser);
searchRoutes.use('*', heavyRateLimit(1));

searchRoutes.openapi(search, async (c) => {
  const { q, limit } = c.req.valid('query');
  const results = await c.var.db.withUserTransaction(
    c.var.user,
    // Rank and cut first, then build headlines for the few rows shown: ts_headline re-parses
    // the whole message, so it must not run over every match.
    (sql) => sql<HitRow[]>`
      with query as (select websearch_to_tsquery('simple', ${q}) as tsq),
      hits as (
        select m.id, m.session_id, m.sender, m.content, m.created_at, ts_rank(m.search, query.tsq) as rank
          from public.messages m, query
         where m.user_id = ${c.var.user.id} and m.search @@ query.tsq
         order by rank desc, m.created_at desc, m.id desc
         limit ${limit}
      )
      select h.id as message_id, h.session_id, s.title as session_title, h.sender, h.created_at,
             h.rank::float8 as rank,
             ts_headline('simple', h.content, query.tsq, ${HEADLINE_OPTIONS}) as snippet
        from hits h
        join public.chat_sessions s on s.id = h.session_id
        cross join query
       order by h.rank desc, h.created_at desc, h.id desc`,
  );
  return c.json({ results }, 200);
});
