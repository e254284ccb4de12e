/**
 * The SQL of GET /api/search's message hits: one page of the matches the caller can read, in
 * the order the route promises — the RANKED_WINDOW newest matches ranked best first, then the
 * older ones newest first — with a snippet from the text, or from the reasoning where only the
 * reasoning holds a match.
 *
 * A message also matches by the text of a file it carried (message_attachments.extracted_text,
 * indexed the same way: 20261208080000). The index's function names each matching source of a
 * message — its own text, each matching file — and each is checked, ranked and quoted as a
 * text of its own (a file's text has no reasoning); a message is one hit, its best source's,
 * its own text first on a tie, and names the file when the snippet is from one.
 *
 * The index is on the text itself (public.message_search_vector: a message's words, its
 * reasoning's, its chat's owner and the chat, over finished messages; no stored vector, so an
 * answer is written once, not twice), so ranking a match means parsing its text. Both are
 * bounded: a window of RANKED_WINDOW matches is ranked, each on its first RANK_PREFIX
 * characters (an answer can be 30 kB). Finding them parses nothing: the index answers a query
 * without phrases exactly, so a query with a phrase (`"a b"`, or a hyphenated word, which the
 * parser splits into a phrase of its parts) first asks the index for its words
 * (`candidatesQuery`, then `<->` as `&` in SQL), and the phrase is checked on the window's
 * rows only — on their first characters, and on the whole text (and reasoning) only where
 * those do not hold it (an exclusion: always on the whole text)
 * (supabase/migrations/20261204213000_index_message_text_for_search.sql, 20261208045000).
 */
import type { TransactionSql } from 'postgres';

/** How many matches one read ranks (the newest of them, or of those older than a cursor). */
export const RANKED_WINDOW = 200;

/**
 * How much of each one is read to rank it: parsing runs at ~10 MB/s on a small VM, so 200 of
 * them cost at most ~80 ms where whole 26 kB answers took 500–800 ms.
 */
export const RANK_PREFIX = 4000;

/** How much text a snippet cut from further into a long message starts before its match. */
const SNIPPET_LEAD = 200;

// ts_headline options: markers that cannot be mistaken for markup, and a few short
// fragments so a long message yields a readable excerpt.
const HEADLINE_OPTIONS = 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

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

/** Where a page starts: an offset into the ranked newest window, or older than a match. */
export type PageStart = { o: number } | { t: string; id: string };

export interface HitRow {
  message_id: string;
  session_id: string;
  session_title: string;
  sender: 'user' | 'assistant' | 'system';
  snippet: string;
  in_reasoning: boolean;
  /** The snippet is from this file the message carried: only its text holds the match. */
  file_name: string | null;
  archived: boolean;
  shared: boolean;
  rank: number;
  created_at: Date;
  /** The hit's created_at as cursor text (microseconds, UTC). */
  at: string;
}

export interface HitsPage {
  hits: HitRow[];
  /** More hits than the page holds were read (limit + 1). */
  more: boolean;
  /** How many of the window's candidates the real query matched (all of them, not the page). */
  matched: number;
  /** How many candidates the window read, and the oldest of them (where the next window starts). */
  windowSize: number;
  oldest: { t: string; id: string } | null;
  /** How many messages the caller can read match the query's words (the index), up to the cap. */
  count: number;
  /** The query is one the index answers exactly (no phrase to check). */
  exact: boolean;
}

interface Row extends Partial<HitRow> {
  window_n: number;
  oldest_t: string | null;
  oldest_id: string | null;
  exact: boolean;
  matched: number | null;
  count: number;
}

/**
 * Reads one page of hits for `q` as the caller: `limit + 1` rows from the window `start`
 * names. The window's rows are read through the policies (the index's function names only
 * what the caller may read; RLS decides again).
 *
 * `candidates`: the query for the index, its phrases as plain ANDs (not inside a negation,
 * where that would exclude more). Where it is the query itself (`exact`) the index's answer is
 * final; otherwise each row is checked: on `head`, the first RANK_PREFIX characters cut back to
 * a whole word, which settles it for a short text without reasoning or a query without
 * negation that matches there, else on the whole text and reasoning. `head` is parsed once
 * (`offset 0`) for the rank, that check and the snippet: ts_headline parses what it is given,
 * so a long text whose match lies further on gives it the RANK_PREFIX characters from just
 * before the first of the query's words found in it (`strpos`, no parsing) — in the reasoning
 * when the text holds none of them. Backslashes are doubled: this is a JavaScript template.
 */
export async function readHitsPage(
  sql: TransactionSql,
  userId: string,
  q: string,
  start: PageStart,
  limit: number,
  countCap: number,
): Promise<HitsPage> {
  const ranked = 'o' in start;
  const before = ranked ? null : start;
  const rows = await sql<Row[]>`
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
    sources as (
      select s.message_id, s.attachment_id
        from query, public.search_message_hits(query.candidates, ${RANKED_WINDOW},
                                              ${before?.t ?? null}::text::timestamptz, ${before?.id ?? null}::uuid) s
    ),
    recent as (
      select m.id, m.session_id, m.sender, m.content, m.reasoning, m.created_at
        from public.messages m
       where m.id in (select s.message_id from sources s)
    ),
    texts as (
      select r.id, r.session_id, r.sender, r.created_at, r.content, r.reasoning, null::text as file_name
        from recent r
       where exists (select 1 from sources s where s.message_id = r.id and s.attachment_id is null)
      union all
      select r.id, r.session_id, r.sender, r.created_at, a.extracted_text, '', a.name
        from recent r join public.message_attachments a on a.message_id = r.id
       where a.id in (select s.attachment_id from sources s where s.attachment_id is not null)
    ),
    info as (
      select count(*)::int as window_n,
             (select to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') from recent r order by r.created_at, r.id limit 1) as oldest_t,
             (select r.id from recent r order by r.created_at, r.id limit 1) as oldest_id,
             (select public.count_message_matches(query.candidates, ${countCap}) from query) as count
        from recent
    ),
    checked as (
      select r.id, r.session_id, r.sender, r.created_at, r.content, r.reasoning, r.file_name, v.long, v.head,
             v.vector @@ query.tsq as head_matches, ts_rank(v.vector, query.tsq) as rank
        from texts r
        cross join query
        cross join lateral (
          select h.long, h.head, to_tsvector('simple'::regconfig, h.head) as vector
            from (select t.long, case when t.long
                         then regexp_replace(left(r.content, ${RANK_PREFIX + 1}), '\\S+$', '') else r.content end as head
                    from (select length(r.content) > ${RANK_PREFIX} as long) t) h
          offset 0) v
       where query.exact
          or case when r.reasoning <> '' and not (not query.negated and v.vector @@ query.tsq)
                  then to_tsvector('simple'::regconfig, r.content) || to_tsvector('simple'::regconfig, r.reasoning) @@ query.tsq
                  when not v.long then v.vector @@ query.tsq
                  else (not query.negated and v.vector @@ query.tsq)
                       or to_tsvector('simple'::regconfig, r.content) @@ query.tsq end
    ),
    best as (
      select distinct on (c.id) c.* from checked c order by c.id, c.rank desc, c.file_name nulls first, c.file_name
    ),
    hits as (
      select b.*, count(*) over () as matched
        from best b
       order by ${ranked ? sql`b.rank desc,` : sql``} b.created_at desc, b.id desc
       offset ${ranked ? start.o : 0}
       limit ${limit + 1}
    ),
    placed as (
      select h.*,
             (select min(nullif(strpos(lower(h.content), l), 0)) from unnest(query.lexemes) l) as content_at,
             case when h.reasoning = '' then null
                  else (select min(nullif(strpos(lower(h.reasoning), l), 0)) from unnest(query.lexemes) l) end as reasoning_at
        from hits h cross join query
    ),
    sourced as (
      select p.*, not p.head_matches and p.content_at is null and p.reasoning_at is not null as in_reasoning from placed p
    )
    select info.window_n, info.oldest_t, info.oldest_id, query.exact,
           info.count, h.matched::int as matched,
           h.id as message_id, h.session_id, s.title as session_title, h.sender, h.created_at,
           to_char(h.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
           h.rank::float8 as rank, h.in_reasoning, h.file_name, coalesce(k.archived_at is not null, false) as archived,
           s.user_id <> ${userId} as shared,
           ts_headline('simple',
             case when h.in_reasoning
                  then substr(h.reasoning, greatest(1, h.reasoning_at - ${SNIPPET_LEAD}), ${RANK_PREFIX})
                  when h.head_matches or not h.long or h.content_at is null then h.head
                  else substr(h.content, greatest(1, h.content_at - ${SNIPPET_LEAD}), ${RANK_PREFIX}) end,
             query.tsq, ${HEADLINE_OPTIONS}) as snippet
      from info
      cross join query
      left join (sourced h
                 join public.chat_sessions s on s.id = h.session_id
                 left join public.session_marks k on k.session_id = h.session_id and k.user_id = ${userId}) on true
     order by ${ranked ? sql`h.rank desc,` : sql``} h.created_at desc, h.id desc`;
  const first = rows[0];
  const hits = rows.filter((r): r is Row & HitRow => r.message_id != null);
  return {
    hits: hits.slice(0, limit),
    more: hits.length > limit,
    matched: first?.matched ?? 0,
    windowSize: first?.window_n ?? 0,
    oldest: first?.oldest_t && first.oldest_id ? { t: first.oldest_t, id: first.oldest_id } : null,
    exact: first?.exact ?? true,
    count: first?.count ?? 0,
  };
}
