-- A branch switched in one tab reaches the chat's other open views on a second road.
--
-- Messages form a tree; chat_sessions.active_leaf_id names the branch a chat shows and continues
-- (20261201022708_add_message_branches.sql). Another tab, device or group member learnt of a
-- switch (‹ › in the web app, a search hit on another branch, POST /sessions/{id}/branch, a
-- write with the owner's token through the Data API) only from the row's Postgres Changes
-- UPDATE, which hosted Realtime does not promise to deliver: a view that missed it kept showing
-- the old branch until its channel rejoined. The database now also says `branch` on the chat's
-- private channel (session:<id>, or session:<id>:<epoch> once someone was removed) in the
-- transaction that moves the leaf, as it says `renamed` for a new title
-- (20261206050000_signal_session_renames.sql); the message names no leaf, views read the session,
-- so a late message cannot put back an older branch. "Broadcast from the database":
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database
--
-- Only a switch is said. Every new message moves the leaf too, from a trigger on messages
-- (private.touch_session_last_message_at): a turn's answer is broadcast on the same channel as
-- it streams, and a view re-reads the chat for an answer it does not hold. A deleted leaf's
-- pointer is cleared by the foreign key's action, also a trigger, and its row's DELETE is
-- published. Both reach this trigger nested in another (pg_trigger_depth() > 1,
-- https://www.postgresql.org/docs/17/functions-info.html), so a turn sends nothing more.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: realtime.send writes realtime.messages, where the person switching may
-- not insert on that topic themselves.
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
    '{}'::jsonb,
    'branch',
    'session:' || new.id::text || case when new.channel_epoch > 0 then ':' || new.channel_epoch::text else '' end,
    true);
  return null;
end;
$$;

revoke all on function private.signal_branch_switched() from public, anon, authenticated, service_role;

create trigger chat_sessions_signal_branch_switched
  after update of active_leaf_id on public.chat_sessions
  for each row
  when (old.active_leaf_id is distinct from new.active_leaf_id)
  execute function private.signal_branch_switched();
