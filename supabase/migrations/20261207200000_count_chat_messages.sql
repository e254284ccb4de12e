-- A chat's messages are counted by a counter, as an owner's are.
--
-- Why: the per-chat quota of 20261207000000_enforce_row_quotas_for_every_writer.sql (100,000
-- messages a chat) counted the chat's messages through messages_session_id_created_at_id_idx
-- once per insert statement, under a per-chat advisory lock: 0.26 ms for a turn's row in a
-- short chat, 4–16 ms per statement in a chat of 98,000 messages, and a turn makes two such
-- statements (its question and its answer, private.write_turn_rows).
--
-- Now private.chat_message_counts holds each chat's count, kept by the statement triggers that
-- keep private.user_row_counts: an insert adds the statement's rows of each chat to its row
-- (one update a chat and statement) and refuses past the quota; a delete (a branch, an edit's
-- or a regeneration's replaced answers, a thread going with its first message, a whole chat)
-- takes them off. A chat's row is made by its first counted insert, so an empty chat has none,
-- and goes with the chat (on delete cascade). The row's lock, held to commit, orders the chat's
-- concurrent writers as the advisory lock did; every writer takes the owner's counter first and
-- the chat's after, and an import that defers its owner's count (20261207140000) takes the
-- chat's counter during the import, as it took the advisory lock: its chats are its own, and
-- any other writer to one of them waits for the chat's row (the messages trigger touches it)
-- before it takes a counter. A deletion touches no chat row, and the advisory lock did not
-- count deletions: a deletion in a chat that an import is resuming at that very moment takes the
-- owner's counter, then waits for the chat's, which the import holds until it takes the
-- owner's at commit; Postgres refuses one of the two (40P01) rather than wait for good.
--
-- WAL (the chat path's measured target, bench/turns.ts): the table is narrow (a uuid and a
-- bigint), in no publication and with the default replica identity, so an update that changes
-- only the count is a heap-only update of a few dozen bytes; a new chat's first statement
-- inserts its row (and its key) instead. The update is tried first, not INSERT … ON CONFLICT DO
-- UPDATE, which locks the existing row with a WAL record of its own before updating it; the
-- owner's counter (private.count_owned_rows) now does the same, which pays for most of the
-- chat's counter. Measured (pg_get_wal_block_info, wal_level logical): a counted statement
-- wrote 54 + 106 bytes for the owner's counter and now writes 106 for it and 90 for the chat's
-- (a new chat's first: 84 + 72 for its row and key): a new chat's first turn and its next one
-- wrote 7,571 bytes of records before and 7,789 after (+218 for both, median of 15), against
-- some 77 kB for a 4,000-token answer (bench/turns.ts: ×2.96 before, ×2.95 after, within the
-- runs' spread).

-- ============================================================================
-- TABLE
-- ============================================================================

-- How many messages each chat holds. Written only by the triggers below.
create table private.chat_message_counts (
  session_id uuid primary key references public.chat_sessions (id) on delete cascade,
  messages bigint not null check (messages >= 0)
);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.chat_message_counts enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Adds p_added (negative: removes) to chat p_session_id's count, and refuses an addition past
-- the per-chat quota. The update locks the chat's row until commit.
create or replace function private.count_chat_messages(p_session_id uuid, p_added bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_count bigint;
begin
  if p_added < 0 then
    -- A chat being deleted may have lost its row already; nothing to count then.
    update private.chat_message_counts set messages = greatest(messages + p_added, 0) where session_id = p_session_id;
    return;
  end if;
  update private.chat_message_counts set messages = messages + p_added where session_id = p_session_id
    returning messages into v_count;
  if not found then
    -- Its first messages. A plain insert, not INSERT … ON CONFLICT, whose speculative insertion
    -- logs a confirmation record too; a concurrent first insert (two members' first posts) makes
    -- it an update after all.
    begin
      insert into private.chat_message_counts (session_id, messages) values (p_session_id, p_added);
      v_count := p_added;
    exception when unique_violation then
      update private.chat_message_counts set messages = messages + p_added where session_id = p_session_id
        returning messages into v_count;
    end;
  end if;
  if v_count > private.row_quota('messages_per_chat') then
    perform private.raise_row_quota('messages', private.row_quota('messages_per_chat'), 'session_id');
  end if;
end;
$$;

-- As 20261207140000's, but the counter is updated first and inserted only when the owner has no
-- row yet: INSERT … ON CONFLICT DO UPDATE locked the existing row with a WAL record of its own
-- (Heap/LOCK, 54 bytes) before updating it, three times a turn (its chat, question and answer).
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
  -- The counts are never null: none means the owner has no row yet.
  execute format('update private.user_row_counts set %1$I = %1$I + $2 where user_id = $1 returning %1$I', p_counted)
    into v_count using p_user_id, p_added;
  if v_count is null then
    execute format(
      'insert into private.user_row_counts as c (user_id, %1$I) values ($1, $2)
         on conflict (user_id) do update set %1$I = c.%1$I + excluded.%1$I
       returning c.%1$I', p_counted)
      into v_count using p_user_id, p_added;
  end if;
  if v_count > private.row_quota(p_counted) then
    perform private.raise_row_quota(p_counted, private.row_quota(p_counted), 'user_id');
  end if;
end;
$$;

-- Why security definer (for the trigger functions below): the Data API's writes run them as
-- `authenticated`, which may not touch the counters.

-- As 20261207000000's, with the chat's counter for its count of the chat's messages.
create or replace function private.count_inserted_messages()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  -- The owner's counter first, then each chat's: every writer takes them in this order.
  for r in select user_id, count(*) as n from inserted group by user_id order by user_id loop
    perform private.count_owned_rows(r.user_id, 'messages', r.n);
  end loop;
  for r in select session_id, count(*) as n from inserted group by session_id order by session_id loop
    perform private.count_chat_messages(r.session_id, r.n);
  end loop;
  return null;
end;
$$;

-- As 20261207000000's, giving the chat's count back too.
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
  for r in select session_id, count(*) as n from deleted group by session_id order by session_id loop
    perform private.count_chat_messages(r.session_id, -r.n);
  end loop;
  return null;
end;
$$;

-- No API path moves a message to another chat, but the service role may update session_id:
-- the message is then counted in its new chat (and refused past that chat's quota), not its old.
create or replace function private.count_moved_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.count_chat_messages(old.session_id, -1);
  perform private.count_chat_messages(new.session_id, 1);
  return null;
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Fires only for an update that names session_id and changes it: a turn's updates do neither.
create trigger messages_count_moved
  after update of session_id on public.messages
  for each row when (old.session_id is distinct from new.session_id)
  execute function private.count_moved_message();

-- ============================================================================
-- DATA
-- ============================================================================

-- Counted from what is stored. Creating the trigger above locked public.messages against writes
-- until this migration commits (it runs as one transaction), and waited for writes in progress:
-- each message is counted once, here or by a trigger.

insert into private.chat_message_counts (session_id, messages)
select session_id, count(*) from public.messages group by session_id;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on table private.chat_message_counts from public, anon, authenticated, service_role;
revoke all on function private.count_owned_rows(uuid, text, bigint) from public, anon, authenticated, service_role;
revoke all on function private.count_chat_messages(uuid, bigint) from public, anon, authenticated, service_role;
revoke all on function private.count_inserted_messages() from public, anon, authenticated, service_role;
revoke all on function private.count_deleted_messages() from public, anon, authenticated, service_role;
revoke all on function private.count_moved_message() from public, anon, authenticated, service_role;
