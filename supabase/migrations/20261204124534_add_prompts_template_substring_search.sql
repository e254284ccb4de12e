-- prompts: substring search reaches the template too ("huani" finds a prompt whose current
-- template says "Lithuanian"), beside name, title and description
-- (20261204045611_add_prompts_substring_search.sql).

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Why: part of a word inside the template found nothing, so a prompt remembered by what it
-- says could not be found by a fragment of it. prompts.content is the newest version's template
-- (older versions are prompt_versions rows and are not searched). The API matches
-- `p.content ilike '%' || $q || '%'` beside prompts_search_text(p); a pg_trgm GIN index on the
-- column answers it, and the planner ORs the two indexes' bitmaps
-- (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX). prompts_search_text is
-- left as it is: changing an indexed immutable function's result needs its index rebuilt, and a
-- separate index keeps the short fields' index small. pg_trgm is in `extensions` as on hosted
-- Supabase (https://supabase.com/docs/guides/database/extensions/pg_trgm), or wherever an
-- earlier migration found it.
do $$
declare
  trgm_schema text;
begin
  select n.nspname into trgm_schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_trgm';
  execute format('create index if not exists prompts_content_trgm_idx
                    on public.prompts using gin (content %I.gin_trgm_ops)', trgm_schema);
end;
$$;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: under RLS, Postgres does not evaluate a condition whose operator is not leakproof
-- (`@@`, `ilike`) before the policies' own, so neither the full-text nor the trigram indexes
-- could answer the library's search: every prompt the caller may read was read and matched
-- (measured on 10,000 prompts of 5 KB: 0.4 s for name/title/description, 1.5-2.3 s with the
-- template; see https://www.postgresql.org/docs/current/ddl-rowsecurity.html and "leakproof"
-- in https://supabase.com/docs/guides/database/postgres/row-level-security#rls-performance-recommendations).
-- As the definer the indexes answer it; the API then reads the matching ids through RLS as the
-- caller (`p.id in (select public.search_prompt_ids(…))`), so what a caller gets is still what
-- the policies let them read. Called as an RPC it returns only ids the caller may read anyway:
-- their own prompts (scope mine), or public ones, and nothing of their own when the policies
-- would refuse (a signed-out session, a two-factor account below aal2).
create or replace function public.search_prompt_ids(p_query tsquery, p_pattern text, p_public boolean)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 100
as $$
begin
  -- One statement per case, each a plain AND of indexable conditions, so the planner can OR the
  -- indexes' bitmaps whatever the arguments (a CASE or `p_pattern is null or …` would hide them).
  if p_public then
    if p_pattern is null then
      return query select p.id from public.prompts p where p.is_public and p.search @@ p_query;
    else
      return query select p.id from public.prompts p
        where p.is_public and (p.search @@ p_query or public.prompts_search_text(p) ilike p_pattern or p.content ilike p_pattern);
    end if;
    return;
  end if;
  if not ((select public.session_is_live()) and (select public.meets_mfa_requirement())) then
    return;
  end if;
  if p_pattern is null then
    return query select p.id from public.prompts p where p.user_id = (select auth.uid()) and p.search @@ p_query;
  else
    return query select p.id from public.prompts p
      where p.user_id = (select auth.uid())
        and (p.search @@ p_query or public.prompts_search_text(p) ilike p_pattern or p.content ilike p_pattern);
  end if;
end;
$$;

comment on function public.search_prompt_ids(tsquery, text, boolean) is
  'Ids of the caller''s prompts (or public ones) matching a library search: words, or part of a name, title, description or template.';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.search_prompt_ids(tsquery, text, boolean) from public;
grant execute on function public.search_prompt_ids(tsquery, text, boolean) to anon, authenticated, service_role;
