-- Row quotas hold whoever writes, and chats, messages and prompt versions have them.
--
-- private.enforce_row_quota skipped inserts made with no caller's claims, to spare the API
-- function's privileged connection; but that connection writes what users ask for: POST
-- /import wrote 500 chats past the 50,000-chat quota in one request, and a new chat's first
-- turn (private.write_turn_rows) one more each time. Messages and prompt versions had no quota
-- at all: one import request writes 5,000 messages, and every text change of a prompt (Data API
-- UPDATE, PATCH /api/prompts/{id}) stores another version of up to 100 KB (security audit B9).
-- Now every quota is counted by the row's owner — the user id in the row, never auth.uid() —
-- and applies to every writer: the Data API, definer functions, the function's connection,
-- seeds and maintenance alike (a maintenance job that must pass one disables the trigger).
--
-- The limits (private.row_quota), generous for people and a bound for scripts:
--   chat_sessions        50,000 per user     (unchanged, 20261203195100)
--   messages          1,000,000 per user     20 for each of the 50,000 chats; a heavy user's
--                                            years of ChatGPT history is some 100,000–300,000
--   messages            100,000 per chat     a very long real conversation has a few thousand;
--                                            every open of a chat walks its tree
--   prompt_versions     100,000 per user     10 for each of the 10,000 prompts allowed
--   prompt_versions      10,000 per prompt   a save every working day for 40 years; a version
--                                            holds up to 100 KB, so a prompt at most ~1 GB
--
-- Cheap: the per-user numbers are counters (private.user_row_counts, one row per user), kept by
-- statement-level triggers with transition tables, so a 1,000-row insert costs one counter
-- update, not 1,000 counts of up to a million rows. The counter row's lock (held to commit)
-- orders a user's concurrent writers, so parallel inserts cannot overshoot. A chat's messages
-- are counted through messages_session_id_created_at_id_idx once per statement and session,
-- under a per-chat advisory lock. Versions per prompt need no count at all: a prompt's versions
-- are numbered 1, 2, … (unique per prompt, never deleted one by one), so refusing a number past
-- the limit bounds them. Measured (EXPLAIN ANALYZE, embedded Postgres 17): the messages trigger
-- took 2.6–2.9 ms of a 1,000-message insert's ~400 ms (the existing per-row triggers take the
-- rest; without it the insert is the same within noise), 0.26 ms for a turn's row in a short
-- chat, and 4–16 ms per statement in a chat of 98,000 messages.
--
-- A refusal is SQLSTATE 54000 with the message "<table> limit reached: at most <n> rows per
-- <owner column>", as before; the API answers it 409 limit_reached (lib/db-errors.ts).

-- ============================================================================
-- TABLE
-- ============================================================================

-- What each user owns of the rows with a per-user quota. Written only by the triggers below.
create table private.user_row_counts (
  user_id uuid primary key references auth.users (id) on delete cascade,
  chat_sessions bigint not null default 0 check (chat_sessions >= 0),
  messages bigint not null default 0 check (messages >= 0),
  prompt_versions bigint not null default 0 check (prompt_versions >= 0)
);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.user_row_counts enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The quotas, in one place: the triggers read them, and so does the API before an import.
create or replace function private.row_quota(p_counted text)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select case p_counted
    when 'chat_sessions' then 50000
    when 'messages' then 1000000
    when 'messages_per_chat' then 100000
    when 'prompt_versions' then 100000
    when 'prompt_versions_per_prompt' then 10000
  end::bigint;
$$;

-- The refusal every quota raises: lib/db-errors.ts (rowQuotaReached) reads its message.
create or replace function private.raise_row_quota(p_table text, p_limit bigint, p_owner_column text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% limit reached: at most % rows per %', p_table, p_limit, p_owner_column
    using errcode = '54000',
          -- A prompt's versions go only with the prompt.
          hint = case when p_owner_column = 'prompt_id' and p_table = 'prompt_versions'
                      then 'Save the text as a new prompt.' else 'Delete some before adding more.' end;
end;
$$;

-- Adds p_added (negative: removes) to what p_user_id owns of p_counted, a column of
-- private.user_row_counts, and refuses an addition past the quota. The update locks the
-- user's row until commit, which orders their concurrent writers.
create or replace function private.count_owned_rows(p_user_id uuid, p_counted text, p_added bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_count bigint;
begin
  if p_added = 0 then
    return;
  end if;
  if p_added < 0 then
    -- A user being deleted may have lost the row already; nothing to count then.
    execute format('update private.user_row_counts set %1$I = greatest(%1$I + $2, 0) where user_id = $1', p_counted)
      using p_user_id, p_added;
    return;
  end if;
  execute format(
    'insert into private.user_row_counts as c (user_id, %1$I) values ($1, $2)
       on conflict (user_id) do update set %1$I = c.%1$I + excluded.%1$I
     returning c.%1$I', p_counted)
    into v_count using p_user_id, p_added;
  if v_count > private.row_quota(p_counted) then
    perform private.raise_row_quota(p_counted, private.row_quota(p_counted), 'user_id');
  end if;
end;
$$;

-- Whether p_adding more rows of p_counted fit in p_user_id's quota; refuses as the triggers
-- would if not. For a writer that should refuse before it starts (an import, a new chat's
-- turn before its provider call), not instead of the triggers: it takes no lock.
create or replace function private.check_row_room(p_user_id uuid, p_counted text, p_adding bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_count bigint;
begin
  if p_counted = 'messages_per_chat' then
    v_count := 0;
  else
    execute format('select %I from private.user_row_counts where user_id = $1', p_counted) into v_count using p_user_id;
  end if;
  if coalesce(v_count, 0) + p_adding > private.row_quota(p_counted) then
    if p_counted = 'messages_per_chat' then
      perform private.raise_row_quota('messages', private.row_quota(p_counted), 'session_id');
    end if;
    perform private.raise_row_quota(p_counted, private.row_quota(p_counted), 'user_id');
  end if;
end;
$$;

-- Why security definer (for the trigger functions below): the Data API's inserts run them as
-- `authenticated`, which may not touch private.user_row_counts.

create or replace function private.count_inserted_sessions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  -- In a fixed order: a bulk insert for several users locks their counters as any other would.
  for r in select user_id, count(*) as n from inserted group by user_id order by user_id loop
    perform private.count_owned_rows(r.user_id, 'chat_sessions', r.n);
  end loop;
  return null;
end;
$$;

create or replace function private.count_deleted_sessions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  for r in select user_id, count(*) as n from deleted group by user_id order by user_id loop
    perform private.count_owned_rows(r.user_id, 'chat_sessions', -r.n);
  end loop;
  return null;
end;
$$;

create or replace function private.count_inserted_messages()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
  v_count bigint;
  v_limit bigint := private.row_quota('messages_per_chat');
begin
  -- The owner's counter first, then each chat: every writer takes them in this order.
  for r in select user_id, count(*) as n from inserted group by user_id order by user_id loop
    perform private.count_owned_rows(r.user_id, 'messages', r.n);
  end loop;
  for r in select distinct session_id from inserted order by session_id loop
    perform pg_advisory_xact_lock(hashtextextended('messages:' || r.session_id::text, 0));
    select count(*) into v_count from public.messages m where m.session_id = r.session_id;
    if v_count > v_limit then
      perform private.raise_row_quota('messages', v_limit, 'session_id');
    end if;
  end loop;
  return null;
end;
$$;

create or replace function private.count_deleted_messages()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  for r in select user_id, count(*) as n from deleted group by user_id order by user_id loop
    perform private.count_owned_rows(r.user_id, 'messages', -r.n);
  end loop;
  return null;
end;
$$;

-- A version belongs to its prompt's owner (created_by is who wrote it, perhaps no one now).
create or replace function private.count_inserted_prompt_versions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  if exists (select 1 from inserted where version > private.row_quota('prompt_versions_per_prompt')) then
    perform private.raise_row_quota('prompt_versions', private.row_quota('prompt_versions_per_prompt'), 'prompt_id');
  end if;
  for r in select p.user_id, count(*) as n from inserted i join public.prompts p on p.id = i.prompt_id
            group by p.user_id order by p.user_id loop
    perform private.count_owned_rows(r.user_id, 'prompt_versions', r.n);
  end loop;
  return null;
end;
$$;

-- Versions go only with their prompt (the API roles may not delete them), and once the
-- cascade has run the prompt is gone: so they are uncounted as the prompt is deleted.
create or replace function private.uncount_prompt_versions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.count_owned_rows(old.user_id, 'prompt_versions',
    -(select count(*) from public.prompt_versions v where v.prompt_id = old.id));
  return old;
end;
$$;

-- tg_argv: the owner column (user_id or prompt_id) and the limit. As 20261203195200's, but
-- for every writer: a privileged insert is still some user's row.
create or replace function private.enforce_row_quota()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_owner uuid := (to_jsonb(new) ->> tg_argv[0])::uuid;
  v_limit int := tg_argv[1]::int;
  v_count int;
begin
  perform pg_advisory_xact_lock(hashtextextended(tg_table_name || ':' || v_owner::text, 0));
  execute format('select count(*) from %I.%I where %I = $1', tg_table_schema, tg_table_name, tg_argv[0])
    into v_count using v_owner;
  -- Raised here, not through private.raise_row_quota: this trigger runs as the inserting role.
  if v_count >= v_limit then
    raise exception '% limit reached: at most % rows per %', tg_table_name, v_limit, tg_argv[0]
      using errcode = '54000', hint = 'Delete some before adding more.';
  end if;
  return new;
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- The count-under-lock trigger of 20261203195100 gives way to the counter.
drop trigger chat_sessions_enforce_quota on public.chat_sessions;

create trigger chat_sessions_count_inserted
  after insert on public.chat_sessions
  referencing new table as inserted
  for each statement execute function private.count_inserted_sessions();

create trigger chat_sessions_count_deleted
  after delete on public.chat_sessions
  referencing old table as deleted
  for each statement execute function private.count_deleted_sessions();

create trigger messages_count_inserted
  after insert on public.messages
  referencing new table as inserted
  for each statement execute function private.count_inserted_messages();

create trigger messages_count_deleted
  after delete on public.messages
  referencing old table as deleted
  for each statement execute function private.count_deleted_messages();

create trigger prompt_versions_count_inserted
  after insert on public.prompt_versions
  referencing new table as inserted
  for each statement execute function private.count_inserted_prompt_versions();

create trigger prompts_uncount_versions
  before delete on public.prompts
  for each row execute function private.uncount_prompt_versions();

-- ============================================================================
-- DATA
-- ============================================================================

-- Counted from what is stored. Creating the triggers above locked the four tables against
-- writes until this migration commits (it runs as one transaction), and waited for writes in
-- progress: each row is counted once, here or by a trigger.
insert into private.user_row_counts (user_id, chat_sessions, messages, prompt_versions)
select u.id,
       (select count(*) from public.chat_sessions s where s.user_id = u.id),
       (select count(*) from public.messages m where m.user_id = u.id),
       (select count(*) from public.prompt_versions v join public.prompts p on p.id = v.prompt_id where p.user_id = u.id)
  from auth.users u;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on table private.user_row_counts from public, anon, authenticated, service_role;
revoke all on function private.row_quota(text) from public, anon, authenticated, service_role;
revoke all on function private.raise_row_quota(text, bigint, text) from public, anon, authenticated, service_role;
revoke all on function private.count_owned_rows(uuid, text, bigint) from public, anon, authenticated, service_role;
revoke all on function private.check_row_room(uuid, text, bigint) from public, anon, authenticated, service_role;
revoke all on function private.count_inserted_sessions() from public, anon, authenticated, service_role;
revoke all on function private.count_deleted_sessions() from public, anon, authenticated, service_role;
revoke all on function private.count_inserted_messages() from public, anon, authenticated, service_role;
revoke all on function private.count_deleted_messages() from public, anon, authenticated, service_role;
revoke all on function private.count_inserted_prompt_versions() from public, anon, authenticated, service_role;
revoke all on function private.uncount_prompt_versions() from public, anon, authenticated, service_role;
revoke all on function private.enforce_row_quota() from public, anon, authenticated, service_role;
