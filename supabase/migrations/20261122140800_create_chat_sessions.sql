-- chat_sessions: one conversation, optionally inside a project.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the unit the sidebar lists and Realtime fans out. metadata holds the chat's
-- settings (provider, model, temperature, chosen prompt and its variables);
-- last_message_at is bumped by a trigger on messages so the sidebar can sort without
-- scanning messages. Deleting a project keeps its chats, unfiled.
create table public.chat_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  title text not null default 'New chat' check (char_length(btrim(title)) between 1 and 200),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and octet_length(metadata::text) <= 16384),
  last_message_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Other devices see sessions appear, get renamed and disappear. Full replica identity so a
-- DELETE carries user_id and filters such as `user_id=eq.<id>` match it.
alter table public.chat_sessions replica identity full;
alter publication supabase_realtime add table public.chat_sessions;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the foreign key and the policies' user_id; the sidebar's order.
create index chat_sessions_user_id_last_message_at_idx on public.chat_sessions (user_id, last_message_at desc);
create index chat_sessions_project_id_idx on public.chat_sessions (project_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.chat_sessions enable row level security;

create policy "chat_sessions: users can read their own sessions"
  on public.chat_sessions for select to authenticated
  using (user_id = (select auth.uid()));

-- A session may only be filed under one of the user's own projects.
create policy "chat_sessions: users can create their own sessions"
  on public.chat_sessions for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (
      project_id is null
      or exists (
        select 1 from public.projects pr
         where pr.id = project_id and pr.user_id = (select auth.uid())
      )
    )
  );

create policy "chat_sessions: users can update their own sessions"
  on public.chat_sessions for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (
      project_id is null
      or exists (
        select 1 from public.projects pr
         where pr.id = project_id and pr.user_id = (select auth.uid())
      )
    )
  );

create policy "chat_sessions: users can delete their own sessions"
  on public.chat_sessions for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger chat_sessions_set_updated_at
  before update on public.chat_sessions
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Owner-only data: anonymous visitors get nothing.
revoke all on public.chat_sessions from anon, authenticated, service_role;
grant select, insert, update, delete on public.chat_sessions to authenticated, service_role;
