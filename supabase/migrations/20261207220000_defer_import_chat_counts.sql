-- An import counts its chats' messages at its end too, after its owner's.
--
-- Why: every writer takes an owner's quota counter (private.user_row_counts) before a chat's
-- (private.chat_message_counts, 20261207200000), except an import: it defers the owner's count
-- to its commit (20261207140000) but took each chat's counter as it wrote, holding it to the
-- end. A deletion of messages in a chat the import was resuming at that very moment took the
-- owner's counter, then waited for the chat's; the import, committing, waited for the owner's:
-- Postgres refused one of the two (40P01, tests/db/chat-message-counts.test.ts).
--
-- Now a transaction that defers its owner's counts defers its chats' too, additions and
-- removals alike, to a row of private.deferred_chat_message_counts only it sees; as it commits,
-- private.count_deferred_rows adds the owner's totals, then each chat's (in chat order), so the
-- import takes the counters in the order every other writer does and holds none of them
-- before its commit. A chat past its quota then refuses the commit (54000, as the owner's
-- quotas do; the import's check beforehand, private.check_row_room, is unchanged), so the
-- import stays all-or-nothing. Its concurrent writers to a chat are still ordered: they wait
-- for the chat's row, which the import's messages touch (messages_touch_session), and the
-- counter's lock orders the additions at commit.
--
-- A chat turn (not deferring) reads one setting more per counted statement and writes nothing
-- more.

-- ============================================================================
-- TABLE
-- ============================================================================

-- What a deferring transaction has added to (or taken off) each chat's count so far, on behalf
-- of the owner it defers (user_id). A row lives only inside that transaction; it goes with the
-- chat if the transaction deletes the chat.
create table private.deferred_chat_message_counts (
  xact xid8 not null,
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  user_id uuid not null,
  messages bigint not null,
  primary key (xact, session_id)
);

-- The cascade's lookup.
create index deferred_chat_message_counts_session_id_idx on private.deferred_chat_message_counts (session_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.deferred_chat_message_counts enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As 20261207200000's, but in a transaction that defers its counts (private.defer_row_counts)
-- the chat's count is deferred too: added to this transaction's row, unlocked and unchecked
-- until commit. As for the owner's counter, the setting only spares other writers the lookup;
-- the row of private.deferred_row_counts says whether this transaction defers.
create or replace function private.count_chat_messages(p_session_id uuid, p_added bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_count bigint;
  v_deferring text := nullif(current_setting('mrprompt.deferred_row_counts', true), '');
  v_owner uuid;
begin
  if v_deferring is not null then
    -- Compared as text: anyone may set the setting, to anything.
    select d.user_id into v_owner from private.deferred_row_counts d
     where d.xact = pg_current_xact_id() and d.user_id::text = v_deferring;
    if found then
      insert into private.deferred_chat_message_counts as c (xact, session_id, user_id, messages)
        values (pg_current_xact_id(), p_session_id, v_owner, p_added)
        on conflict (xact, session_id) do update set messages = c.messages + excluded.messages;
      return;
    end if;
  end if;
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

-- As 20261207140000's, then the chats' deferred counts, in chat order: the owner's counter
-- first and the chats' after, as every writer takes them. The owner's deferred row is gone by
-- then, so private.count_chat_messages counts them at once.
create or replace function private.count_deferred_rows()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.deferred_row_counts;
  r record;
begin
  delete from private.deferred_row_counts where xact = new.xact and user_id = new.user_id
    returning * into v_row;
  if not found then
    return null;
  end if;
  perform private.count_owned_rows(v_row.user_id, 'chat_sessions', v_row.chat_sessions);
  perform private.count_owned_rows(v_row.user_id, 'messages', v_row.messages);
  perform private.count_owned_rows(v_row.user_id, 'prompt_versions', v_row.prompt_versions);
  for r in
    with counted as (
      delete from private.deferred_chat_message_counts where xact = new.xact and user_id = new.user_id
        returning session_id, messages
    )
    select session_id, messages from counted where messages <> 0 order by session_id
  loop
    perform private.count_chat_messages(r.session_id, r.messages);
  end loop;
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on table private.deferred_chat_message_counts from public, anon, authenticated, service_role;
revoke all on function private.count_chat_messages(uuid, bigint) from public, anon, authenticated, service_role;
revoke all on function private.count_deferred_rows() from public, anon, authenticated, service_role;
