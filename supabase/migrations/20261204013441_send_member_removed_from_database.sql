-- Group chats: the chat's old channel hears of a removal with the commit that made it.
--
-- A removal (or a member leaving) moves the chat's channel to a new epoch
-- (20261201030617_add_chat_sessions_channel_epoch.sql), and the function then sent
-- `member_removed {user_id}` on the old topic so the removed person's app leaves and says so.
-- Sent after the commit, that message raced anything that closes the old channel — local
-- Realtime re-checks private channels as soon as a membership signal is committed and closes
-- those that lost access — and was never sent for a removal made without the API (a member
-- leaving through the Data API, an account deleted). The database now sends it in the removing
-- transaction, on the topic the channel had before it moved, with realtime.send ("Broadcast
-- from the database": https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database).
-- Hosted Realtime delivers it to every channel joined on that topic, the removed member's
-- included (their join's authorisation is kept for the channel's life:
-- https://supabase.com/docs/guides/realtime/authorization); locally it goes out before the
-- channel is closed.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: a member who leaves may not update the owner's chat, yet their leaving
-- must move the channel like a removal does. A chat being deleted (the cascade) has no row to
-- move and tells no one here: its own delete event says so.
create or replace function private.bump_session_channel_epoch()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old_epoch int;
begin
  update public.chat_sessions s set channel_epoch = s.channel_epoch + 1
   where s.id = old.session_id
   returning s.channel_epoch - 1 into v_old_epoch;
  if found then
    perform realtime.send(
      jsonb_build_object('user_id', old.user_id),
      'member_removed',
      'session:' || old.session_id::text || case when v_old_epoch > 0 then ':' || v_old_epoch::text else '' end,
      true);
  end if;
  return null;
end;
$$;

revoke all on function private.bump_session_channel_epoch() from public, anon, authenticated, service_role;
