-- A chat's People panel follows who joins it, whose role changes and which invitations come and go.
--
-- The owner's open panel read who was in the chat and who was invited only when it opened and after
-- the owner's own actions: an invitee who accepted or declined stayed "pending" (with a Cancel that
-- answered "Invitation not found"), until the panel was closed and opened again. The database now
-- says so with the commit that makes the change, whoever makes it (the API, the Data API):
--  - `members_changed` on the chat's private channel (session:<id>, or session:<id>:<epoch> once
--    someone was removed) when someone joins (an accepted invitation, by id or link) or their role
--    changes. Every open view of the chat re-reads its participants, which the channel's people —
--    the owner and the chat's members and viewers, as its policies say — may all read
--    (session_participants). The message carries nothing. The API sent the same message after its
--    own accept and role change; those routes leave it to the database now. A removal or a member
--    leaving already says `member_removed` on the old topic (20261204013441, 20261206080000), and
--    the views re-read their people once they join the new one.
--  - `session_invitations_changed {session_id}` on the owner's own private channel `user:<owner>`
--    (only they may receive on it, 20261203180000) when an invitation of their chat is made,
--    renewed, accepted, declined or cancelled. Not on the chat's channel: its members and viewers
--    may not read the chat's invitations, and a signal there would tell them when the owner invites
--    someone or someone declines. The chat's id is the owner's own to read.
-- Neither table is written on a chat turn's path. "Broadcast from the database":
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: realtime.send writes realtime.messages, where the person accepting (or the
-- owner changing a role) may not insert on that topic themselves; the epoch is the chat's, read
-- whatever the caller's RLS shows. A membership whose chat is gone tells no one.
create or replace function private.signal_session_members_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_epoch int;
begin
  select s.channel_epoch into v_epoch from public.chat_sessions s where s.id = new.session_id;
  if found then
    perform realtime.send(
      '{}'::jsonb,
      'members_changed',
      'session:' || new.session_id::text || case when v_epoch > 0 then ':' || v_epoch::text else '' end,
      true);
  end if;
  return null;
end;
$$;

revoke all on function private.signal_session_members_changed() from public, anon, authenticated, service_role;

create trigger session_members_signal_joined
  after insert on public.session_members
  for each row execute function private.signal_session_members_changed();

create trigger session_members_signal_role_changed
  after update of role on public.session_members
  for each row
  when (old.role is distinct from new.role)
  execute function private.signal_session_members_changed();

-- As in 20261206073000_bind_invitations_to_accounts.sql (the invitee's devices re-read their
-- invitations), and the chat's owner hears that one of their chat's invitations changed.
create or replace function private.signal_session_invitation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  for v_user in
    select distinct x from unnest(array[
      case when tg_op <> 'DELETE' then new.invitee_id end,
      case when tg_op <> 'INSERT' then old.invitee_id end]) x
     where x is not null
  loop
    perform realtime.send('{}'::jsonb, 'invitations_changed', 'user:' || v_user::text, true);
  end loop;
  perform realtime.send(
    jsonb_build_object('session_id', coalesce(new.session_id, old.session_id)),
    'session_invitations_changed',
    'user:' || coalesce(new.owner_id, old.owner_id)::text,
    true);
  return null;
end;
$$;

revoke all on function private.signal_session_invitation() from public, anon, authenticated, service_role;
