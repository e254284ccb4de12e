-- prompts: the prompt library, templates with {{variable}} slots.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the current state of each prompt. Every title/content change is kept as an
-- immutable row in prompt_versions (see the next migration), and latest_version says which
-- version this row currently holds. Public prompts form the shared library anyone can read
-- and fork; forked_from survives the original's deletion as null.
create table public.prompts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 2000),
  content text not null check (char_length(content) between 1 and 100000),
  -- At most 20 lower-case tags of 1..32 characters from [a-z0-9_.+#-]. Checked on the array's
  -- text form: an element with any other character (a comma, a quote, a space), a NULL or a
  -- second dimension changes the braces or quoting and fails the pattern.
  tags text[] not null default '{}'
    check (
      cardinality(tags) <= 20
      and tags::text ~ '^\{([a-z0-9][a-z0-9_.+#-]{0,31}(,[a-z0-9][a-z0-9_.+#-]{0,31})*)?\}$'
    ),
  is_public boolean not null default false,
  forked_from uuid references public.prompts (id) on delete set null,
  latest_version int not null default 1 check (latest_version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Full-text search over the library ('simple' config: prompts are written in any language).
  -- Query with: search @@ websearch_to_tsquery('simple', $q).
  search tsvector generated always as (
    setweight(to_tsvector('simple'::regconfig, title), 'A')
    || setweight(to_tsvector('simple'::regconfig, description), 'B')
    || setweight(to_tsvector('simple'::regconfig, content), 'C')
  ) stored
);

comment on column public.prompts.latest_version is 'Maintained by triggers; writes to it are ignored.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- "My prompts" newest first; covers the foreign key and the policies' user_id.
create index prompts_user_id_updated_at_idx on public.prompts (user_id, updated_at desc);
-- The public library, read by the anon/authenticated select policies.
create index prompts_is_public_updated_at_idx on public.prompts (is_public, updated_at desc);
create index prompts_forked_from_idx on public.prompts (forked_from);
create index prompts_tags_idx on public.prompts using gin (tags);
create index prompts_search_idx on public.prompts using gin (search);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.prompts enable row level security;

create policy "prompts: anonymous visitors can read public prompts"
  on public.prompts for select to anon
  using (is_public);

create policy "prompts: users can read their own and public prompts"
  on public.prompts for select to authenticated
  using (is_public or user_id = (select auth.uid()));

-- Which prompt a fork may point at is checked by a trigger below: a policy on prompts that
-- reads prompts is rejected by Postgres as infinite recursion.
create policy "prompts: users can create their own prompts"
  on public.prompts for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "prompts: users can update their own prompts"
  on public.prompts for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "prompts: users can delete their own prompts"
  on public.prompts for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger prompts_set_updated_at
  before update on public.prompts
  for each row execute function private.set_updated_at();

-- Why: a fork may only point at a prompt its author can read (their own or a public one),
-- or a user could probe for private prompt ids. Runs as the caller, so the lookup sees
-- exactly what the caller's RLS lets them see.
create or replace function private.check_prompt_fork_source()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.forked_from is not null
     and not exists (select 1 from public.prompts p where p.id = new.forked_from) then
    raise exception 'prompts: forked_from must be a prompt you can read'
      using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke all on function private.check_prompt_fork_source() from public, anon, authenticated, service_role;

create trigger prompts_check_fork_source
  before insert or update of forked_from on public.prompts
  for each row execute function private.check_prompt_fork_source();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Anonymous visitors only read (the public library).
revoke all on public.prompts from anon, authenticated, service_role;
grant select on public.prompts to anon;
grant select, insert, update, delete on public.prompts to authenticated, service_role;
