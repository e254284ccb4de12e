-- Reading a session's messages settles answers a dead process left `streaming`
-- (lib/chat/persistence.ts settleAbandonedAnswers). That update runs on every page read, so it
-- must find a session's streaming rows without walking the whole session: a partial index over
-- the few rows that are streaming at any moment.

-- ============================================================================
-- INDEXES
-- ============================================================================
create index messages_streaming_session_idx
  on public.messages (session_id, updated_at)
  where status = 'streaming';
