-- Who may join a session's private Realtime channel. A running answer is broadcast by the
-- function to the private channel `session:<session_id>` (events delta, reasoning, done);
-- Realtime authorises joining a private channel by the caller's RLS on realtime.messages,
-- with the channel's name in realtime.topic()
-- (https://supabase.com/docs/guides/realtime/authorization). realtime.messages itself is
-- platform schema (hosted Supabase creates it; local/ bootstraps it); this only adds the
-- app's policy.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Only the session's owner and its group members receive its broadcasts (those who may read
-- its messages). The topic is parsed only when it has the exact `session:<uuid>` shape, so
-- other channels never fail on the cast, and the session is found by primary key. No insert
-- policy: clients cannot send on these channels (the function sends with the secret key,
-- which bypasses RLS).
create policy "realtime.messages: participants can receive broadcasts of their sessions"
  on realtime.messages for select to authenticated
  using (
    extension = 'broadcast'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             then substr((select realtime.topic()), 9)::uuid
         end
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );
