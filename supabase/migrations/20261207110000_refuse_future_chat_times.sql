-- Chats and messages may not be dated in the future, whoever writes them.
--
-- Why: POST /import writes chats and messages with the times their file gives (as the
-- connection owner: users may not insert messages, and 20261201021646_guard_row_timestamps.sql
-- stamps the API roles' times with now()). A file dated 2099 made a chat that sat above every
-- new chat for good: the sidebar orders by last_message_at, which a new message only ever
-- moves forward (private.touch_session_last_message_at takes the greatest), and the chat's own
-- new messages were listed before its imported ones. The API refuses such times now (400,
-- routes/import.ts); this holds every writer to the same rule, as prompt versions are held to
-- "until now" (20261204181500_check_imported_prompt_version_order.sql): the owner connection,
-- the service role (an admin key on the Data API) and the API roles alike. For the API roles
-- (a user's own token on the Data API) nothing changes: they cannot write messages' times at
-- all, and their chat_sessions times are stamped now() before this check runs.
--
-- The rule: created_at, updated_at and (chat_sessions) last_message_at at most 5 minutes past
-- the database's clock (clock_timestamp(), not the transaction's start: a turn's rows are
-- written by a transaction that may have begun a while before; the 5 minutes leave room for
-- the API function's clock, which dates imported rows, running a little ahead). Past it:
-- SQLSTATE MRT01 with the column and both times, which the API answers with 400
-- (lib/db-errors.ts rethrowDatabaseError).
--
-- Rows imported in the future before this migration are brought back: a chat's future
-- messages move to just before now, in their order (a microsecond apart), and its future
-- created_at / last_message_at to its messages' times.

-- ============================================================================
-- TABLE
-- ============================================================================

-- None.

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Named `<table>_times_not_in_future` so that it fires after `<table>_stamp_row_times` and
-- `<table>_set_updated_at` (a table's BEFORE triggers fire in name order): it judges the
-- times that will be stored, not the ones an API role asked for and did not get.
create or replace function private.refuse_future_chat_times()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_limit timestamptz := clock_timestamp() + interval '5 minutes';
  v_column text;
  v_value timestamptz;
begin
  if new.created_at > v_limit then
    v_column := 'created_at';
    v_value := new.created_at;
  elsif new.updated_at > v_limit then
    v_column := 'updated_at';
    v_value := new.updated_at;
  elsif tg_table_name = 'chat_sessions' then
    -- In its own statement: an expression naming new.last_message_at fails on messages.
    if new.last_message_at > v_limit then
      v_column := 'last_message_at';
      v_value := new.last_message_at;
    end if;
  end if;
  if v_column is not null then
    raise exception '%.% may not be in the future: % is after now (%)', tg_table_name, v_column, v_value, clock_timestamp()
      using errcode = 'MRT01';
  end if;
  return new;
end;
$$;

revoke all on function private.refuse_future_chat_times() from public, anon, authenticated, service_role;

-- Only writes that set a time: a turn's checkpoints (content, status) do not pay for it.
create trigger chat_sessions_times_not_in_future
  before insert or update of created_at, updated_at, last_message_at on public.chat_sessions
  for each row execute function private.refuse_future_chat_times();

create trigger messages_times_not_in_future
  before insert or update of created_at, updated_at on public.messages
  for each row execute function private.refuse_future_chat_times();

-- ============================================================================
-- DATA
-- ============================================================================

-- A chat's messages dated in the future, newest first: the newest goes to now, each older one
-- a microsecond before the one after it, so the chat keeps its order and new messages follow.
with future as (
  select id, row_number() over (partition by session_id order by created_at desc, id desc) - 1 as rank
    from public.messages
   where created_at > now() + interval '5 minutes'
)
update public.messages m
   set created_at = now() - f.rank * interval '1 microsecond',
       updated_at = now() - f.rank * interval '1 microsecond'
  from future f
 where m.id = f.id;

update public.messages
   set updated_at = created_at
 where updated_at > now() + interval '5 minutes';

update public.chat_sessions s
   set created_at = case when s.created_at > now() + interval '5 minutes'
                         then coalesce((select min(m.created_at) from public.messages m where m.session_id = s.id), now())
                         else s.created_at end,
       last_message_at = case when s.last_message_at > now() + interval '5 minutes'
                              then coalesce((select max(m.created_at) from public.messages m where m.session_id = s.id), now())
                              else s.last_message_at end
 where s.created_at > now() + interval '5 minutes'
    or s.last_message_at > now() + interval '5 minutes'
    or s.updated_at > now() + interval '5 minutes';

-- ============================================================================
-- GRANTS
-- ============================================================================

-- None: the function is a trigger's only.
