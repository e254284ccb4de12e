-- prompt_usage_logs: one row per provider call, for the usage dashboard.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: users see what every call cost in tokens and time, by day, provider, model and
-- prompt version. The log outlives the chat, message or prompt it refers to (those links
-- become null), but not the user. Rows are append-only: there is no update policy.
create table public.prompt_usage_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  prompt_id uuid references public.prompts (id) on delete set null,
  prompt_version int check (prompt_version >= 1),
  session_id uuid references public.chat_sessions (id) on delete set null,
  message_id uuid references public.messages (id) on delete set null,
  provider text not null check (provider ~ '^[a-z][a-z0-9_-]{1,31}$'),
  model text not null check (char_length(model) between 1 and 200),
  status text not null check (status in ('success', 'error', 'stopped')),
  ttft_ms int check (ttft_ms >= 0),
  latency_ms int check (latency_ms >= 0),
  prompt_tokens int check (prompt_tokens >= 0),
  completion_tokens int check (completion_tokens >= 0),
  token_count int check (token_count >= 0),
  error_code text check (char_length(error_code) <= 100),
  executed_at timestamptz not null default clock_timestamp()
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the user foreign key and the policies' user_id; the dashboard scans by time.
create index prompt_usage_logs_user_id_executed_at_idx on public.prompt_usage_logs (user_id, executed_at desc);
create index prompt_usage_logs_prompt_id_version_idx on public.prompt_usage_logs (prompt_id, prompt_version);
create index prompt_usage_logs_session_id_idx on public.prompt_usage_logs (session_id);
create index prompt_usage_logs_message_id_idx on public.prompt_usage_logs (message_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.prompt_usage_logs enable row level security;

create policy "prompt_usage_logs: users can read their own usage"
  on public.prompt_usage_logs for select to authenticated
  using (user_id = (select auth.uid()));

-- The prompt may be the user's own or a public one (running a starter prompt is logged);
-- the session and message must be the user's own.
create policy "prompt_usage_logs: users can log their own usage"
  on public.prompt_usage_logs for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (
      prompt_id is null
      or exists (
        select 1 from public.prompts p
         where p.id = prompt_id and (p.is_public or p.user_id = (select auth.uid()))
      )
    )
    and (
      session_id is null
      or exists (
        select 1 from public.chat_sessions s
         where s.id = session_id and s.user_id = (select auth.uid())
      )
    )
    and (
      message_id is null
      or exists (
        select 1 from public.messages m
         where m.id = message_id and m.user_id = (select auth.uid())
      )
    )
  );

create policy "prompt_usage_logs: users can delete their own usage"
  on public.prompt_usage_logs for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Append-only for users (no update privilege); anonymous visitors get nothing.
revoke all on public.prompt_usage_logs from anon, authenticated, service_role;
grant select, insert, delete on public.prompt_usage_logs to authenticated;
grant select, insert, update, delete on public.prompt_usage_logs to service_role;
