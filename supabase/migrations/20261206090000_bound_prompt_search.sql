-- prompts: a library search costs a bounded amount (business audit B7).
--
-- Why: a substring query (3 characters or more) also matched `p.content ilike '%q%'` over every
-- template in scope, up to 100,000 characters each. One account can publish 10,000 prompts
-- whose templates hold every trigram of a pattern but never the pattern itself: the trigram
-- index then named every one of them, and each 100 KB template was read back from TOAST and
-- scanned, per query — 1.1 s of database time a call on 2,000 such prompts, ~5 s at the quota —
-- and `anon` could call public.search_prompt_page_ids (and the older public.search_prompt_ids)
-- through the Data API as often as it liked. Moving the bait into a title or the template's
-- first lines cost as much: every row a trigram index named was read back whole (see INDEXES).
--
-- Now:
-- - a fragment is matched against the name, title and description and the first 4,096
--   characters of the current template (words anywhere in it through full text, as before),
--   each through its own trigram index and checked on what that index holds: a row costs a few
--   KB to check, whatever it holds;
-- - public.search_prompt_page_ids runs with `statement_timeout = 2s`: PostgREST (12.2 and
--   later) applies a function's statement_timeout to the transaction of an RPC that calls it;
--   the API sets the same timeout for its search (routes/prompts/crud.ts) and draws each search
--   from the caller's `heavy` bucket;
-- - `anon` may not call it: the web app's library, public one included, is for signed-in users
--   and reads it through the API; signed-out visitors only open share links
--   (public.get_shared_messages), which do not search;
-- - public.search_prompt_ids goes: kept by 20261204145903 for a function deployed before
--   that migration, it returned every match (no page, no limit) and nothing calls it any more.

-- ============================================================================
-- INDEXES
-- ============================================================================

-- What a fragment is matched against, each with its own trigram index, written so that checking
-- a row the index names reads only what is matched:
-- - the name, title and description as plain columns, not public.prompts_search_text(p): that
--   function takes the whole row (it is never inlined, having a search_path), and making the
--   row value read back every column stored apart — a 100 KB template and its search vector,
--   ≈ 450 KB a row — for every row the index named;
-- - the template's first 4,096 characters (`substr` reads only that much of a value stored
--   apart or compressed), not all of it.
-- pg_trgm lives in `extensions` as on hosted Supabase, or wherever an earlier migration found it.
do $$
declare
  trgm_schema text;
begin
  select n.nspname into trgm_schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_trgm';
  execute format('create index if not exists prompts_search_fields_trgm_idx
                    on public.prompts using gin ((name || E''\n'' || title || E''\n'' || description) %I.gin_trgm_ops)', trgm_schema);
  execute format('create index if not exists prompts_content_head_trgm_idx
                    on public.prompts using gin ((substr(content, 1, 4096)) %I.gin_trgm_ops)', trgm_schema);
end;
$$;

-- Nothing reads these any more (the function below uses the two above), and every write of a
-- 100 KB template re-indexed every trigram in it.
drop index if exists public.prompts_content_trgm_idx;
drop index if exists public.prompts_search_text_trgm_idx;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261204145903_search_prompt_pages_newest_first.sql — same arguments, same pages, the
-- same rows of the same callers, the newest rows tried first — except:
-- - a fragment is matched against the name, title and description as columns and against the
--   template's first 4,096 characters (the indexes above), words anywhere as before;
-- - past the window, each way of matching is its own index scan and the three are united, so a
--   row one index names is checked only against that index's condition (an OR of the three in
--   one scan rechecked every condition of every row a trigram index named: the search vector,
--   up to hundreds of KB, read back for each);
-- - statement_timeout 2 s (PostgREST applies it to the RPC's transaction; the API sets it itself).
create or replace function public.search_prompt_page_ids(
  p_query tsquery,
  p_pattern text,
  p_public boolean,
  p_tag text,
  p_after_t timestamptz,
  p_after_id uuid,
  p_limit integer
)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
rows 50
as $$
declare
  -- How many of the newest rows are tried one by one before the indexes are asked.
  window_rows integer;
  uid uuid;
  scope text;
  scope_unindexed text;
  filters text := '';
  -- The indexed expressions, as the indexes above are written.
  fields constant text := '(p.name || E''\n'' || p.title || E''\n'' || p.description)';
  head constant text := 'substr(p.content, 1, 4096)';
  matches text;
  found text;
  index_scans text;
  seen integer;
  ids uuid[];
begin
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be 1 or more' using errcode = '22023';
  end if;
  if (p_after_t is null) <> (p_after_id is null) then
    raise exception 'p_after_t and p_after_id go together' using errcode = '22023';
  end if;
  window_rows := least(greatest(3 * p_limit, 60), 300);
  if p_public then
    scope := 'p.is_public';
    scope_unindexed := 'coalesce(p.is_public, false)';
  else
    if not ((select public.session_is_live()) and (select public.meets_mfa_requirement())) then
      return;
    end if;
    uid := (select auth.uid());
    scope := 'p.user_id = $1';
    scope_unindexed := 'coalesce(p.user_id = $1, false)';
  end if;
  if p_tag is not null then
    filters := filters || ' and p.tags @> array[$2]';
  end if;
  if p_after_t is not null then
    filters := filters || ' and (p.updated_at, p.id) < ($3, $4)';
  end if;
  -- The short fields first: a row they match reads nothing else.
  matches := case when p_pattern is null then 'p.search @@ $5'
    else format('(%s ilike $6 or %s ilike $6 or p.search @@ $5)', fields, head) end;

  -- The window (words alone too: a short prefix such as "th" matches most prompts).
  execute format(
    'select count(*)::int,
            (array_agg(w.id order by w.updated_at desc, w.id desc) filter (where %s))[1:$7]
       from (select p.id, p.updated_at
               from public.prompts p
              where %s%s
              order by p.updated_at desc, p.id desc
              limit %s) w
       join public.prompts p on p.id = w.id',
    matches, scope, filters, window_rows)
    into seen, ids
    using uid, p_tag, p_after_t, p_after_id, p_query, p_pattern, p_limit;
  -- The page is full, or the window held every row after the cursor: nothing older can be in it.
  if coalesce(cardinality(ids), 0) >= p_limit or seen < window_rows then
    return query select unnest(ids);
    return;
  end if;

  -- Each way of matching through its own index, then the newest of what they found together.
  -- The scope is written so that no btree index serves it, sequential scans are off, and for
  -- this statement plain index scans too: a walk of the whole primary key, checking every row
  -- (and reading every template's head and search vector), gave the union its order by id and
  -- looked cheap on a small table. What is left to the planner is the search indexes' bitmaps.
  found := format('select p.id, p.updated_at from public.prompts p where %s%s and p.search @@ $5', scope_unindexed, filters);
  if p_pattern is not null then
    found := found
      || format(' union select p.id, p.updated_at from public.prompts p where %s%s and %s ilike $6', scope_unindexed, filters, fields)
      || format(' union select p.id, p.updated_at from public.prompts p where %s%s and %s ilike $6', scope_unindexed, filters, head);
  end if;
  index_scans := current_setting('enable_indexscan');
  perform set_config('enable_indexscan', 'off', true);
  return query execute format(
    'select m.id from (%s) m order by m.updated_at desc, m.id desc limit $7', found)
    using uid, p_tag, p_after_t, p_after_id, p_query, p_pattern, p_limit;
  -- Back as it was (an error above ends the transaction or savepoint, which puts it back too).
  perform set_config('enable_indexscan', index_scans, true);
end;
$$;

comment on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) is
  'The ids of one page of a library search, newest change first: the caller''s prompts (or public ones) matching words, or part of a name, title, description or the first 4,096 characters of the template, with the tag and after the cursor given. Signed-in callers only; at most 2 s.';

drop function if exists public.search_prompt_ids(tsquery, text, boolean);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) from public, anon;
grant execute on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) to authenticated, service_role;
