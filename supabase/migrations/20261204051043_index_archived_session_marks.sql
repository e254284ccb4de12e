-- The default sidebar list of someone whose chats are all archived read every one of them: the
-- list walks the caller's own chats by last activity (chat_sessions_user_id_recent_idx) and
-- skips those in the set of their archived marks, read once and probed as a hash
-- (routes/sessions.ts). That set came from session_marks' primary key (user_id, session_id),
-- then each row's heap page for archived_at, among everyone's marks. A partial index holds
-- exactly the archived marks by person, so the set is an index-only scan.
-- Measured on 10,000 chats, all archived, with 100,000 marks of 100 other people (the bench's
-- history data, backend CPU per list as the user, 6 × 50 interleaved, load 9): 7.4 → 6.6 ms.
-- The rest is the walk itself (10,000 index entries, ≈ 1 µs each on this machine, as the
-- table's owner without RLS too): with the archive mark in a table of its own, so that members
-- of a group chat cannot read it (20261204022018_create_session_marks.sql), no index of
-- chat_sessions can leave archived chats out, as the partial index on archived_at did.

-- ============================================================================
-- INDEXES
-- ============================================================================

create index session_marks_user_id_archived_idx on public.session_marks (user_id, session_id)
  where archived_at is not null;
