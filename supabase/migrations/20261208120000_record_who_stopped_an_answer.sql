-- Who stopped an answer. In a group chat the owner and every `member` may stop a running answer
-- (routes/chat-turns.ts), also one somebody else asked for and the owner pays for; everyone in
-- the chat is then told who did ("Stopped by Ann") instead of a bare "Answer stopped".
--
-- Written only by the function's stop route (its owner connection): users have no UPDATE on
-- public.messages (20261130234937_create_chat_turns.sql revoked it), so nobody can name
-- someone else as the one who stopped an answer. Row changes reach every participant over
-- Realtime (postgres_changes on public.messages), so the name shows live as well as on reload.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the person whose stop ended this answer; null when it was not stopped by a person (a
-- time limit, an interruption) or by an account since deleted.
alter table public.messages add column stopped_by uuid references auth.users (id) on delete set null;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the foreign key: deleting an account sets it null without a scan of every message.
create index messages_stopped_by_idx on public.messages (stopped_by);
