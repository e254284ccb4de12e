-- A chat turn updates its session's row once (twice for a new chat: its insert, then the
-- answer's touch of last_message_at and active_leaf_id; 20261201110933). Both columns are
-- indexed, so the update is never heap-only, but its new row version still goes on the same
-- page when the page has room — and with pages filled to the brim it went to whichever page
-- the free space map offered: a second page dirtied per turn, and after a checkpoint often a
-- page not written since, logged whole (the bench's `wal` section, 2026-12-05: a 5.6 kB image
-- of a chat_sessions page in one answer of three, ×3.14 against ×2.93 for the others; the
-- table's pages touched per answer 6–8, and 5 with this change). Keeping a tenth of each page
-- free holds those new versions beside the old until pruning reclaims the old ones
-- (https://www.postgresql.org/docs/17/sql-createtable.html#RELOPTION-FILLFACTOR).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why 90: a session row is a few hundred bytes and is rewritten about once per turn; a tenth
-- of a page holds a few such versions, and the table grows by a ninth at most. Pages written
-- from now on keep the room; existing ones fill as before until rewritten.
alter table public.chat_sessions set (fillfactor = 90);
