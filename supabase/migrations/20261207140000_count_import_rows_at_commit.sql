-- An import counts its rows against the quotas once, at its end.
--
-- Why: the statement triggers of 20261207000000_enforce_row_quotas_for_every_writer.sql add
-- each insert to its owner's row of private.user_row_counts, and that update locks the row
-- until the transaction ends. POST /import writes a request all-or-nothing in one transaction
-- (lib/import/write-import.ts), a few seconds for 5,000 messages: its first chat locked the
-- owner's counter, so that person's chat turns, and members' turns in their chats (counted by
-- the chat's owner), waited for the whole import.
--
-- Now the import's transaction first calls private.defer_row_counts(owner). From then on, what
-- the triggers would add to that owner's counter is added to a row of private.deferred_row_counts
-- instead — a row only this transaction can see, so no one waits for it — and at commit a
-- deferred constraint trigger adds the totals to the counter (private.count_owned_rows: the
-- row's lock, then the quota check; a deferred constraint trigger fires as the transaction
-- commits, https://www.postgresql.org/docs/17/sql-createtrigger.html). The counter is locked
-- for the end of the commit only; a total past a quota refuses the commit (54000, as before),
-- so the import is still all-or-nothing, and concurrent turns and imports are still ordered by
-- the counter's lock (each adds what it wrote while holding it). private.check_row_room, the
-- import's check before each conversation, counts what the transaction has deferred so far,
-- so a conversation that would not fit is still refused before any of it is written.
--
-- Only the server's own connection may defer: private.defer_row_counts and the table are the
-- owner's alone (no API role may execute or read them; the Data API reaches neither, as it
-- reaches nothing in `private`). The triggers skip the counter only for a row of the table made
-- in this very transaction (keyed by pg_current_xact_id()); the setting
-- mrprompt.deferred_row_counts, which anyone can set, only spares every other writer that
-- lookup: set by hand without the row, it changes nothing. A deferral ends with its
-- transaction (the row is deleted at commit, or rolled back; the setting is local).
--
-- A turn's path gains one read of a setting per counted statement and no write. Per-chat counts
-- (the chat's advisory lock) and deletions are counted as before: an import's chats are its
-- own, and any other writer to one of them waits for the chat's row (the messages trigger
-- touches it) before it takes the counter, so taking the counter last cannot deadlock them.

-- ============================================================================
-- TABLE
-- ============================================================================

-- What a transaction that deferred its counting has written so far, per owner. A row lives
-- only inside the transaction that made it: deleted as it commits, gone if it rolls back.
create table private.deferred_row_counts (
  xact xid8 not null,
  user_id uuid not null,
  chat_sessions bigint not null default 0,
  messages bigint not null default 0,
  prompt_versions bigint not null default 0,
  primary key (xact, user_id)
);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.deferred_row_counts enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- For the server's connection only (see GRANTS): rows of p_user_id written by this transaction
-- from now on are counted when it commits.
create or replace function private.defer_row_counts(p_user_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into private.deferred_row_counts (xact, user_id) values (pg_current_xact_id(), p_user_id)
    on conflict do nothing;
  perform set_config('mrprompt.deferred_row_counts', p_user_id::text, true);
end;
$$;

-- What this transaction has deferred of p_user_id's p_counted (0 when it defers nothing).
create or replace function private.deferred_row_count(p_user_id uuid, p_counted text)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
  v_count bigint;
begin
  if p_counted not in ('chat_sessions', 'messages', 'prompt_versions')
     or current_setting('mrprompt.deferred_row_counts', true) is distinct from p_user_id::text then
    return 0;
  end if;
  execute format('select %I from private.deferred_row_counts where xact = pg_current_xact_id() and user_id = $1', p_counted)
    into v_count using p_user_id;
  return coalesce(v_count, 0);
end;
$$;

-- As 20261207000000's, but an addition for an owner whose counting this transaction deferred
-- goes to the deferred row, unlocked and unchecked until commit.
create or replace function private.count_owned_rows(p_user_id uuid, p_counted text, p_added bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_count bigint;
  v_deferred bigint;
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
  -- The setting only saves other writers the lookup; the row says whether this transaction defers.
  if current_setting('mrprompt.deferred_row_counts', true) = p_user_id::text then
    execute format('update private.deferred_row_counts set %1$I = %1$I + $2 where xact = pg_current_xact_id() and user_id = $1', p_counted)
      using p_user_id, p_added;
    -- EXECUTE leaves FOUND alone (https://www.postgresql.org/docs/17/plpgsql-statements.html).
    get diagnostics v_deferred = row_count;
    if v_deferred > 0 then
      return;
    end if;
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

-- As 20261207000000's, counting what this transaction has deferred of the owner's rows.
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
    v_count := coalesce(v_count, 0) + private.deferred_row_count(p_user_id, p_counted);
  end if;
  if coalesce(v_count, 0) + p_adding > private.row_quota(p_counted) then
    if p_counted = 'messages_per_chat' then
      perform private.raise_row_quota('messages', private.row_quota(p_counted), 'session_id');
    end if;
    perform private.raise_row_quota(p_counted, private.row_quota(p_counted), 'user_id');
  end if;
end;
$$;

-- At commit (or at `set constraints … immediate`): the deferred totals go to the counter, under
-- its lock and its quota check. The row is read by its key, not from `new` (the row as first
-- inserted, all zeros), and deleted first, so what the transaction writes after this counts at
-- once. Why security definer: the transaction may have become an API role since it deferred
-- (set local role), and those may not touch the table.
create or replace function private.count_deferred_rows()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.deferred_row_counts;
begin
  delete from private.deferred_row_counts where xact = new.xact and user_id = new.user_id
    returning * into v_row;
  if not found then
    return null;
  end if;
  perform private.count_owned_rows(v_row.user_id, 'chat_sessions', v_row.chat_sessions);
  perform private.count_owned_rows(v_row.user_id, 'messages', v_row.messages);
  perform private.count_owned_rows(v_row.user_id, 'prompt_versions', v_row.prompt_versions);
  return null;
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create constraint trigger deferred_row_counts_count_at_commit
  after insert on private.deferred_row_counts
  deferrable initially deferred
  for each row execute function private.count_deferred_rows();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on table private.deferred_row_counts from public, anon, authenticated, service_role;
revoke all on function private.defer_row_counts(uuid) from public, anon, authenticated, service_role;
revoke all on function private.deferred_row_count(uuid, text) from public, anon, authenticated, service_role;
revoke all on function private.count_owned_rows(uuid, text, bigint) from public, anon, authenticated, service_role;
revoke all on function private.check_row_room(uuid, text, bigint) from public, anon, authenticated, service_role;
revoke all on function private.count_deferred_rows() from public, anon, authenticated, service_role;
