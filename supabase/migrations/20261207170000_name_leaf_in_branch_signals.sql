-- A branch switch's `branch` message names the leaf it moved to.
--
-- Realtime sends a transaction's database broadcasts (and its Postgres Changes) as soon as it
-- decodes the commit from the WAL. Postgres writes and flushes the commit record before the
-- committing backend leaves the proc array, so for a moment other sessions' snapshots do not see
-- the transaction yet: hosted Realtime broadcasts the decoded insert at once
-- (supabase/realtime lib/realtime/tenants/replication_connection.ex, handle_message for
-- Decoder.Messages.Insert), and so does the local stack. A view that heard `branch` and read the
-- session during that moment read the branch from before the switch and kept showing it: under a
-- busy machine's load a second tab never followed a switch (tests/e2e/branches.test.ts).
-- 20261206063000_signal_branch_switches.sql named no leaf, so the view could not tell a read from
-- before the switch from one after it. It now names the leaf; the view still shows only what its
-- reads answer (a late message cannot put back an older branch) and reads again until a read
-- shows the named leaf (web/src/lib/chat/chat-state.svelte.ts, followLeaf), as it already does
-- for the leaf a chat_sessions UPDATE carries.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: realtime.send writes realtime.messages, where the person switching may
-- not insert on that topic themselves. Only those who may read the chat's channel hear the leaf
-- (RLS on realtime.messages), and they may read the chat's messages.
create or replace function private.signal_branch_switched()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if pg_trigger_depth() > 1 then
    return null;
  end if;
  perform realtime.send(
    jsonb_build_object('active_leaf_id', new.active_leaf_id),
    'branch',
    'session:' || new.id::text || case when new.channel_epoch > 0 then ':' || new.channel_epoch::text else '' end,
    true);
  return null;
end;
$$;

revoke all on function private.signal_branch_switched() from public, anon, authenticated, service_role;
