-- prompt_usage_logs.project_id: the project a call was made in, fixed when the call is
-- logged, so usage by project does not follow a chat that later moves.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: usage by project used to join each log to its chat's *current* project, so moving a
-- chat to another project (or out of one) moved all its past costs with it, and a budget
-- review of a project changed after the fact. Like cost_usd, the project is now the one in
-- force when the call ran. Deleting the project keeps the log (the link becomes null).
alter table public.prompt_usage_logs
  add column project_id uuid references public.projects (id) on delete set null;

comment on column public.prompt_usage_logs.project_id is
  'The project the chat was in when the call was logged (set by a trigger from session_id; null outside a project).';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the foreign key (a project's delete sets its logs' link to null).
create index prompt_usage_logs_project_id_idx on public.prompt_usage_logs (project_id);

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Every writer (finish_turn, the gateway's log, the owner connection) gets the same rule, and
-- none may state a project of its own choosing: the value is always the session's project at
-- insert time. Security definer: the session is read the same whichever role writes the log.
create or replace function private.set_usage_project()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.project_id := (select s.project_id from public.chat_sessions s where s.id = new.session_id);
  return new;
end;
$$;

revoke all on function private.set_usage_project() from public, anon, authenticated, service_role;

-- Before the backfill: CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on the logs until the
-- migration commits (https://www.postgresql.org/docs/current/explicit-locking.html), so a log
-- is either committed before it (and backfilled) or written after (and set by the trigger).
create trigger prompt_usage_logs_set_project
  before insert on public.prompt_usage_logs
  for each row execute function private.set_usage_project();

-- Backfill: the best record there is of past calls is their chat's project now.
update public.prompt_usage_logs l
   set project_id = s.project_id
  from public.chat_sessions s
 where s.id = l.session_id and s.project_id is not null;
