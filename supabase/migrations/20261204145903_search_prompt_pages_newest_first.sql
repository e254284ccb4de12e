-- prompts: a library search returns its page, not every match. A fragment common to most
-- templates ("the", "{{x") made public.search_prompt_ids (20261204124534) recheck every
-- matching template, all of them, before the API kept the newest page of 21: 463-571 ms on
-- 10,000 prompts of 5 KB where 6,151 matched, for a page the newest 30 rows would have filled.
-- With this function (10,000 prompts of 5 KB, a page of 21, medians of 11 at load average
-- 5-7): a fragment in 61% of the templates 332 -> 9.7 ms, in 5% 702 -> 23.6 ms, in 0.1%
-- 710 -> 27.6 ms.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: a page is the newest matches after the cursor, so the newest rows in the caller's scope
-- are tried first — three times the page, 60 to 300 rows, read in order from
-- prompts_user_id_updated_at_idx or prompts_is_public_updated_at_idx and matched one by one
-- (each a template read back from TOAST, ≈ 0.1 ms): a common fragment fills the page there.
-- Only a fragment that does not goes on to the indexes, as search_prompt_ids does: the
-- full-text and trigram bitmaps ORed, then the newest of those. The second statement is
-- fenced (`offset 0`) so that the page's limit cannot turn it into the ordered scan of every
-- row, which is what a rare fragment would cost. Each statement is built for the arguments it
-- has (format with fixed text, values passed as parameters), so each is planned with its own
-- conditions rather than as a generic plan with `x is null or …` that hides the indexes.
-- The planner does not count reading each template back out of TOAST (5 KB ones are stored
-- apart from the row): a small heap made a scan of every row, sequential or along the
-- (user_id, updated_at) index, look cheaper than the search indexes (10,000 prompts of 5 KB:
-- a rare fragment 0.5-1.9 s so, under 1 ms through the indexes; search_prompt_ids picks either
-- plan, depending on its statistics). So sequential scans are off inside the function, and
-- the second statement's scope is one no btree index can serve.
-- Same callers, same rows as search_prompt_ids: the caller's own prompts behind the
-- live-session and aal2 checks, or public ones; the API still reads the ids through RLS.
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
rows 50
as $$
declare
  -- How many of the newest rows are tried one by one before the indexes are asked.
  window_rows integer;
  uid uuid;
  scope text;
  scope_unindexed text;
  filters text := '';
  matches text;
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
  matches := case when p_pattern is null then 'p.search @@ $5'
    else '(p.search @@ $5 or public.prompts_search_text(p) ilike $6 or p.content ilike $6)' end;

  -- The window (words alone too: a short prefix such as "th" matches most prompts). Its rows
  -- by id and time only (the index's order, or a cheap sort), then each one's search vector and
  -- template: only the window's rows are ever read back from TOAST.
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

  -- The scope is written so that no btree index serves it (coalesce), and sequential scans are
  -- off: what is left to the planner is the search indexes' bitmaps (ORed, and ANDed with the
  -- tags index for a tag). Fenced (`offset 0`) so that the page's limit does not make an ordered
  -- walk of every row look cheap.
  return query execute format(
    'select m.id
       from (select p.id, p.updated_at from public.prompts p where %s%s and %s offset 0) m
      order by m.updated_at desc, m.id desc
      limit $7',
    scope_unindexed, filters, matches)
    using uid, p_tag, p_after_t, p_after_id, p_query, p_pattern, p_limit;
end;
$$;

comment on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) is
  'The ids of one page of a library search, newest change first: the caller''s prompts (or public ones) matching words, or part of a name, title, description or template, with the tag and after the cursor given.';

-- public.search_prompt_ids stays for a function deployed before this migration (db push runs
-- before functions deploy); the API no longer calls it.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) from public;
grant execute on function public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer) to anon, authenticated, service_role;
