-- messages: the turns of a chat, streamed into place by the API and fanned out by Realtime.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the conversation itself. The API stores the user's message first, then an assistant
-- row with status `streaming` whose content grows as deltas arrive, and finally its status,
-- token counts and timings. created_at defaults to clock_timestamp() so two messages written
-- in one transaction still sort in the order they were written.
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  sender text not null check (sender in ('user', 'assistant', 'system')),
  content text not null default '' check (char_length(content) <= 200000),
  status text not null default 'complete' check (status in ('complete', 'streaming', 'stopped', 'error')),
  error text check (char_length(error) <= 2000),
  provider text check (provider ~ '^[a-z][a-z0-9_-]{1,31}$'),
  model text check (char_length(model) between 1 and 200),
  provider_message_id text check (char_length(provider_message_id) <= 200),
  token_count int check (token_count >= 0),
  prompt_tokens int check (prompt_tokens >= 0),
  completion_tokens int check (completion_tokens >= 0),
  ttft_ms int check (ttft_ms >= 0),
  latency_ms int check (latency_ms >= 0),
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp(),
  -- Full-text search over a user's history ('simple' config: chats are in any language).
  -- Query with: search @@ websearch_to_tsquery('simple', $q).
  search tsvector generated always as (to_tsvector('simple'::regconfig, content)) stored
);

-- Every device of the user sees messages appear and grow. Full replica identity so a
-- DELETE carries session_id and `session_id=eq.<id>` filters match it.
alter table public.messages replica identity full;
alter publication supabase_realtime add table public.messages;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Keyset pagination of a session's history (newest first, id breaks ties); covers the
-- session foreign key and the policies' session lookups.
create index messages_session_id_created_at_id_idx on public.messages (session_id, created_at desc, id desc);
-- Covers the user foreign key and the policies' user_id.
create index messages_user_id_idx on public.messages (user_id);
create index messages_search_idx on public.messages using gin (search);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.messages enable row level security;

create policy "messages: users can read their own messages"
  on public.messages for select to authenticated
  using (user_id = (select auth.uid()));

-- Knowing another user's session id is not enough: the session must be the caller's.
create policy "messages: users can add messages to their own sessions"
  on public.messages for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.chat_sessions s
       where s.id = session_id and s.user_id = (select auth.uid())
    )
  );

create policy "messages: users can update their own messages"
  on public.messages for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.chat_sessions s
       where s.id = session_id and s.user_id = (select auth.uid())
    )
  );

create policy "messages: users can delete their own messages"
  on public.messages for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger messages_set_updated_at
  before update on public.messages
  for each row execute function private.set_updated_at();

-- Why security definer: the sidebar order must follow every new message, whoever writes it,
-- without granting the writer anything more on chat_sessions. The insert policy has already
-- checked that the session belongs to the writer.
create or replace function private.touch_session_last_message_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.chat_sessions s
     set last_message_at = new.created_at
   where s.id = new.session_id
     and s.last_message_at < new.created_at;
  return null;
end;
$$;

revoke all on function private.touch_session_last_message_at() from public, anon, authenticated, service_role;

create trigger messages_touch_session
  after insert on public.messages
  for each row execute function private.touch_session_last_message_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Owner-only data: anonymous visitors get nothing.
revoke all on public.messages from anon, authenticated, service_role;
grant select, insert, update, delete on public.messages to authenticated, service_role;
