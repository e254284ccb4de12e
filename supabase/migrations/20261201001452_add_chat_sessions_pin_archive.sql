-- chat_sessions: pinned and archived chats.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: people keep a few chats at hand (pinned: listed first) and put finished ones away
-- without deleting them (archived: out of the sidebar, listed on request, restorable).
-- Timestamps rather than booleans: pinned chats sort by when they were pinned, and an
-- archive says when. The owner changes them through the existing update policy.
alter table public.chat_sessions
  add column pinned_at timestamptz,
  add column archived_at timestamptz;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The sidebar lists the owner's chats that are not archived, by last activity.
create index chat_sessions_user_id_active_idx on public.chat_sessions (user_id, last_message_at desc, id desc)
  where archived_at is null;

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the owner-only policies of chat_sessions cover the new columns.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- None.

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Column privileges follow the table's existing grants.
