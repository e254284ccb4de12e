-- Removing someone from a group chat cuts their live channel on hosted Supabase too.
--
-- Hosted Realtime authorises a private channel when it is joined (and when the client sends
-- a new access token) and keeps that answer for the channel's life
-- (https://supabase.com/docs/guides/realtime/authorization): a member removed from a chat
-- would keep receiving `session:<id>` broadcasts and presence until they rejoined. So the
-- session's channel moves on a removal: chat_sessions.channel_epoch counts removals, the
-- channel is `session:<id>` at epoch 0 and `session:<id>:<epoch>` after, and only the current
-- epoch's topic authorises anyone. The function broadcasts to the current topic; the
-- remaining people see the epoch change (postgres_changes on chat_sessions) and join the new
-- topic; the removed member can join neither (not a participant) and their old channel
-- receives nothing more.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.chat_sessions
  add column channel_epoch int not null default 0 check (channel_epoch >= 0);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- The session channel policies, now bound to the current epoch: `session:<uuid>` while
-- channel_epoch is 0, `session:<uuid>:<n>` once it is n. Any other shape authorises nothing
-- (and never fails on a cast).
drop policy "realtime.messages: participants can receive broadcasts of their sessions" on realtime.messages;
drop policy "realtime.messages: participants can see who is in their sessions" on realtime.messages;
drop policy "realtime.messages: participants can share their presence in their sessions" on realtime.messages;

create policy "realtime.messages: participants can receive broadcasts of their sessions"
  on realtime.messages for select to authenticated
  using (
    extension = 'broadcast'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:[1-9][0-9]{0,8})?$'
             then substr((select realtime.topic()), 9, 36)::uuid
         end
         and s.channel_epoch = coalesce(nullif(substr((select realtime.topic()), 46), '')::int, 0)
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

create policy "realtime.messages: participants can see who is in their sessions"
  on realtime.messages for select to authenticated
  using (
    extension = 'presence'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:[1-9][0-9]{0,8})?$'
             then substr((select realtime.topic()), 9, 36)::uuid
         end
         and s.channel_epoch = coalesce(nullif(substr((select realtime.topic()), 46), '')::int, 0)
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

create policy "realtime.messages: participants can share their presence in their sessions"
  on realtime.messages for insert to authenticated
  with check (
    extension = 'presence'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:[1-9][0-9]{0,8})?$'
             then substr((select realtime.topic()), 9, 36)::uuid
         end
         and s.channel_epoch = coalesce(nullif(substr((select realtime.topic()), 46), '')::int, 0)
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: a member who leaves may not update the owner's chat, yet their leaving
-- must move the channel like a removal does.
create or replace function private.bump_session_channel_epoch()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.chat_sessions s set channel_epoch = s.channel_epoch + 1 where s.id = old.session_id;
  return null;
end;
$$;

revoke all on function private.bump_session_channel_epoch() from public, anon, authenticated, service_role;

create trigger session_members_bump_channel_epoch
  after delete on public.session_members
  for each row execute function private.bump_session_channel_epoch();

-- Why: the owner may update their chat through the Data API (table-level grant), but not move
-- its channel back to a topic a removed member still holds: for the API roles the epoch stays.
create or replace function private.keep_session_channel_epoch()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user in ('authenticated', 'anon') then
    new.channel_epoch := old.channel_epoch;
  end if;
  return new;
end;
$$;

revoke all on function private.keep_session_channel_epoch() from public, anon, authenticated, service_role;

create trigger chat_sessions_keep_channel_epoch
  before update of channel_epoch on public.chat_sessions
  for each row execute function private.keep_session_channel_epoch();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- None: chat_sessions keeps its grants; the triggers above decide who moves channel_epoch.
