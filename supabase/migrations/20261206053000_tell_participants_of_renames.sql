-- A group chat's new title reaches its members' chat lists.
--
-- A chat list follows the chats its person owns over postgres_changes (chat_sessions filtered
-- by user_id) and their group chats through signals on their own private channel `user:<id>`
-- (memberships, marks). A rename of a group chat by its owner changed the owner's rows only:
-- the members' lists kept the old title until they next read the whole list (a rejoin, a
-- reload). The rename trigger (20261206050000_signal_session_renames.sql) now also sends
-- `session_renamed {session_id}` on the channel of every participant — the owner (a second road
-- beside their row change) and each member and viewer — in the same transaction; their lists
-- read that one chat again (as for `marks_changed`). Only that person may receive on
-- `user:<id>` (20261203180000). "Broadcast from the database":
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: realtime.send writes realtime.messages on each participant's own topic,
-- where the person renaming may not send; the members are read whatever the caller's RLS shows.
create or replace function private.signal_session_renamed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  perform realtime.send(
    '{}'::jsonb,
    'renamed',
    'session:' || new.id::text || case when new.channel_epoch > 0 then ':' || new.channel_epoch::text else '' end,
    true);
  for v_user in
    select new.user_id
    union all
    select m.user_id from public.session_members m where m.session_id = new.id
  loop
    perform realtime.send(jsonb_build_object('session_id', new.id), 'session_renamed', 'user:' || v_user::text, true);
  end loop;
  return null;
end;
$$;

revoke all on function private.signal_session_renamed() from public, anon, authenticated, service_role;
