-- projects: folders of chats with an active system prompt.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: users group chats by what they work on, and every chat in a project starts from the
-- project's system prompt. system_prompt_label (e.g. `production`) pins a labelled version;
-- null means the prompt's latest version. The prompt may be the user's own or a public one;
-- if it is deleted the project simply loses its system prompt.
create table public.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  description text not null default '' check (char_length(description) <= 2000),
  system_prompt_id uuid references public.prompts (id) on delete set null,
  system_prompt_label text check (system_prompt_label ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the foreign key and the policies' user_id; lists a user's projects newest first.
create index projects_user_id_updated_at_idx on public.projects (user_id, updated_at desc);
create index projects_system_prompt_id_idx on public.projects (system_prompt_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.projects enable row level security;

create policy "projects: users can read their own projects"
  on public.projects for select to authenticated
  using (user_id = (select auth.uid()));

-- The system prompt must be one the user can read: their own or a public one.
create policy "projects: users can create their own projects"
  on public.projects for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (
      system_prompt_id is null
      or exists (
        select 1 from public.prompts p
         where p.id = system_prompt_id
           and (p.is_public or p.user_id = (select auth.uid()))
      )
    )
  );

create policy "projects: users can update their own projects"
  on public.projects for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (
      system_prompt_id is null
      or exists (
        select 1 from public.prompts p
         where p.id = system_prompt_id
           and (p.is_public or p.user_id = (select auth.uid()))
      )
    )
  );

create policy "projects: users can delete their own projects"
  on public.projects for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger projects_set_updated_at
  before update on public.projects
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Owner-only data: anonymous visitors get nothing.
revoke all on public.projects from anon, authenticated, service_role;
grant select, insert, update, delete on public.projects to authenticated, service_role;
