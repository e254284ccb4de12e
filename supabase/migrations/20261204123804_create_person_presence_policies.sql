-- Presence nobody can publish under another participant's name, on hosted Supabase too.
--
-- The web app showed who is here and who is typing by the presence key (the user id) on the
-- shared topic `session:<id>`. Hosted Realtime authorises a private channel once per join and
-- token with the policies on realtime.messages, evaluated against the topic, the role and the
-- JWT ("Realtime Authorization": https://supabase.com/docs/guides/realtime/authorization —
-- "Control which clients can publish their presence to a Channel"), and takes the presence key
-- and payload as the client sends them: a participant who edits their client could appear as
-- another one.
--
-- What a policy can bind is the topic. So each person gets a presence topic of their own,
-- `session:<id>[:<epoch>]:person:<user id>`: every participant of the chat may read it, and
-- only the person it names, a participant, may publish on it (a topic naming anyone else stays
-- empty; members cannot read each other's memberships, so reading does not check that). The
-- chat view (web/src/lib/chat/person-presence.ts) tracks on its own topic and follows the
-- others' (the participants list says which); whatever arrives on a topic is that person's,
-- whatever key or payload it carries. The epoch is the session channel's (channel_epoch): a
-- removed member can join none of the new topics, and the others move to them. Nothing may
-- broadcast on these topics (no policy for extension 'broadcast').

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

create policy "realtime.messages: participants can see each person's presence in their sessions"
  on realtime.messages for select to authenticated
  using (
    extension = 'presence'
    and exists (
      select 1
        from (select regexp_match((select realtime.topic()), '^session:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::([1-9][0-9]{0,8}))?:person:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$') as part) t
        join public.chat_sessions s on s.id = t.part[1]::uuid
       where s.channel_epoch = coalesce(t.part[2]::int, 0)
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

create policy "realtime.messages: participants can share their presence on their own topic"
  on realtime.messages for insert to authenticated
  with check (
    extension = 'presence'
    and exists (
      select 1
        from (select regexp_match((select realtime.topic()), '^session:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::([1-9][0-9]{0,8}))?:person:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$') as part) t
        join public.chat_sessions s on s.id = t.part[1]::uuid
       where s.channel_epoch = coalesce(t.part[2]::int, 0)
         and t.part[3]::uuid = (select auth.uid())
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );
