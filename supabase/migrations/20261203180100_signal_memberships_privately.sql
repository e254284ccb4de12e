-- Group chats: membership changes reach only the person concerned.
--
-- session_members was in the supabase_realtime publication so members' sidebars could follow
-- their memberships over postgres_changes. Realtime checks RLS for inserts and updates, but
-- "RLS policies are not applied to DELETE statements" and delete events cannot be filtered
-- (https://supabase.com/docs/guides/realtime/postgres-changes, "Receiving old records" and
-- "Delete events are not filterable"): every listener on the table received the primary key of
-- every removal — which user left which chat. The table leaves the publication; the
-- person whose membership began or ended hears it on their own private channel `user:<id>`
-- (authorised by RLS on realtime.messages, 20261203180000), sent by the database with the
-- commit. The people still in the chat learn of a removal as before, from the chat itself
-- (the channel epoch's chat_sessions update, checked against RLS, and the API's
-- `member_removed` on the session's private channel).

-- ============================================================================
-- TABLE
-- ============================================================================

alter publication supabase_realtime drop table public.session_members;
alter table public.session_members replica identity default;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: a member's devices add or drop the chat in their list at once (the payload is empty:
-- the app reads GET /sessions). "Broadcast from the database":
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database
create or replace function private.signal_session_membership()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send('{}'::jsonb, 'memberships_changed', 'user:' || coalesce(new.user_id, old.user_id)::text, true);
  return null;
end;
$$;

revoke all on function private.signal_session_membership() from public, anon, authenticated, service_role;

create trigger session_members_signal_member
  after insert or delete on public.session_members
  for each row execute function private.signal_session_membership();
