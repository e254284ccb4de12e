-- Presence only on each person's own topic: none on the shared `session:<id>` topic any more.
--
-- Any participant could track on `session:<id>[:<epoch>]` under whatever presence key and
-- payload their client sent, and hosted Realtime holds only the topic to the policies on
-- realtime.messages ("Realtime Authorization",
-- https://supabase.com/docs/guides/realtime/authorization): there, one participant could appear
-- as another. The chat view now publishes on its own person topic and follows the others'
-- (20261204123804_create_person_presence_policies.sql, web/src/lib/chat/person-presence.ts), so
-- the shared topic keeps its broadcast read policy (the answers' deltas, `members_changed`,
-- `member_removed`) and loses both presence policies: no client can read or publish presence
-- there, and a forged presence on it has nobody to fool.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "realtime.messages: participants can see who is in their sessions" on realtime.messages;
drop policy "realtime.messages: participants can share their presence in their sessions" on realtime.messages;
