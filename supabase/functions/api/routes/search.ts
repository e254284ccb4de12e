/**
 * GET /api/search: full-text search over the caller's own messages (RLS), best matches
 * first, each with a short snippet. Snippets are plain text with matches wrapped in
 * « and » — never HTML — so clients render them as text and can highlight between markers.
 *
 * The index is on the text itself (public.message_search_vector: a message's words and its
 * author, over finished messages; no stored vector, so an answer is written once, not twice),
 * so ranking a match means parsing its text. Both are bounded: the newest RANKED_WINDOW
 * matches are ranked, each on its first RANK_PREFIX characters (an answer can be 30 kB), and
 * the best returned. Finding them parses nothing: the index answers a query without phrases
 * exactly, so a query with a phrase (`"a b"`, or a hyphenated word, which the parser splits
 * into a phrase of its parts) first asks the index for its words (`candidatesQuery`, then
 * `<->` as `&` in SQL), and the phrase is checked on the window's rows only — on their first
 * characters, and on the whole text only where those do not hold it (an exclusion: always on
 * the whole text) (supabase/migrations/20261204213000_index_message_text_for_search.sql).
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

/** How many of the newest matches are ranked. */
export const RANKED_WINDOW = 200;

/**
 * How much of each one is read to rank it: parsing runs at ~10 MB/s on a small VM, so 200 of
 * them cost at most ~80 ms where whole 26 kB answers took 500–800 ms.
 */
export const RANK_PREFIX = 4000;

/** How much text a snippet cut from further into a long message starts before its match. */
const SNIPPET_LEAD = 200;

/**
 * The query without its phrases, for finding candidates with the index alone: "a b" becomes
 * a b (both words, anywhere), and an excluded phrase -"a b" is left out (excluding it can only
 * remove matches). Every message the real query matches also matches this one; the real query
 * then decides. Without phrases it is the query itself.
 */
export function candidatesQuery(q: string): string {
  const relaxed = q.replace(/-"[^"]*(?:"|$)/g, ' ').replaceAll('"', ' ');
  return relaxed.trim() ? relaxed : q;
}

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
  description: `Finished messages only. The ${RANKED_WINDOW} newest matches are ranked (ts_rank over each one's first ${RANK_PREFIX} characters) and the best \`limit\` returned, best first; a snippet comes from those characters, or from where a match lies further on.`,
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
    // `candidates`: the query for the index, its phrases as plain ANDs (no text read to check
    // them; not inside a negation, where that would exclude more). Where it is the query itself
    // (`exact`) the index's answer is final; otherwise each row is checked: on `head`, the first
    // RANK_PREFIX characters cut back to a whole word, which settles it for a short text or a
    // query without negation that matches there (a negated phrase may come later), else on the
    // whole text. `head` is parsed once (`offset 0`) for the rank, that check and the snippet:
    // ts_headline parses what it is given, so a long text whose match lies further on gives it
    // the RANK_PREFIX characters from just before the first of the query's words found in it
    // (`strpos`, no parsing). The window's rows are read through the policies, as the caller.
    // Backslashes are doubled: this is a JavaScript template.
    (sql) => sql<HitRow[]>`
      with query as (
        select x.tsq, x.candidates, x.candidates = x.tsq as exact, x.tsq::text ~ '!' as negated,
               array(select replace(m[1], '''''', '''')
                       from regexp_matches(x.tsq::text, '''((?:[^'']|'''')*)''', 'g') m) as lexemes
          from (
            select q.tsq,
                   case when c.tsq::text ~ ' <(-|\\d+)> ' and c.tsq::text !~ '!'
                        then regexp_replace(c.tsq::text, ' <(-|\\d+)> ', ' & ', 'g')::tsquery
                        else c.tsq end as candidates
              from (select websearch_to_tsquery('simple', ${q}) as tsq) q,
                   (select websearch_to_tsquery('simple', ${candidatesQuery(q)}) as tsq) c
          ) x
      ),
      recent as (
        select m.id, m.session_id, m.sender, m.content, m.created_at
          from public.messages m
         where m.id in (select public.search_message_ids(query.candidates, ${RANKED_WINDOW}) from query)
           and m.user_id = ${c.var.user.id}
      ),
      hits as (
        select r.id, r.session_id, r.sender, r.created_at, r.content, v.long, v.head, v.vector @@ query.tsq as head_matches,
               ts_rank(v.vector, query.tsq) as rank
          from recent r
          cross join query
          cross join lateral (
            select h.long, h.head, to_tsvector('simple'::regconfig, h.head) as vector
              from (select t.long, case when t.long
                           then regexp_replace(left(r.content, ${RANK_PREFIX + 1}), '\\S+$', '') else r.content end as head
                      from (select length(r.content) > ${RANK_PREFIX} as long) t) h
            offset 0) v
         where query.exact
            or case when not v.long then v.vector @@ query.tsq
                    else (not query.negated and v.vector @@ query.tsq)
                         or to_tsvector('simple'::regconfig, r.content) @@ query.tsq end
         order by rank desc, r.created_at desc, r.id desc
         limit ${limit}
      )
      select h.id as message_id, h.session_id, s.title as session_title, h.sender, h.created_at,
             h.rank::float8 as rank,
             ts_headline('simple',
               case when h.head_matches or not h.long then h.head
                    else coalesce((select substr(h.content, greatest(1, min(f.at) - ${SNIPPET_LEAD}), ${RANK_PREFIX})
                                     from (select nullif(strpos(lower(h.content), l), 0) as at from unnest(query.lexemes) l) f
                                   having min(f.at) is not null), h.head) end,
               query.tsq, ${HEADLINE_OPTIONS}) as snippet
        from hits h
        join public.chat_sessions s on s.id = h.session_id
        cross join query
       order by h.rank desc, h.created_at desc, h.id desc`,
  );
  return c.json({ results }, 200);
});
