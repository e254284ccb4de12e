-- A running answer's checkpoints (private.message_chunks) are kept out of the write-ahead log.
--
-- They guard against the function's process dying in the middle of an answer: the database
-- then settles the answer from them (private.settle_abandoned_answers). They live for the
-- length of one answer and are deleted when it is written to public.messages, yet as a logged
-- table every checkpoint was written twice — its row and its WAL record — and the WAL record
-- was most of the cost: a 4,000-token answer's checkpoint rows were 26–37 kB of its 80–95 kB
-- of WAL (more, smaller rows when the answer streams slowly: each one under the 2 kB threshold
-- where Postgres compresses a row), plus a primary-key entry, a commit and a delete apiece.
-- Unlogged, the same answer writes ~50 kB (docs/performance.md, 2026-12-07 01:35 UTC).
-- Every WAL byte is also shipped to each replica and kept for point-in-time recovery.
--
-- An unlogged table writes no WAL; its rows survive a clean restart of Postgres but not a
-- crash (or a replica's promotion), after which the table is empty. A crash does not lose the
-- answer: the function holds every unit until its final write, which waits for the database
-- and stores the whole answer. And a checkpoint notices when the rows before it are gone
-- (TurnStore.checkpoint returns how many units the table holds before it) and writes the
-- whole partial answer again, so the checkpoints are whole again within one interval — only
-- a function that dies in that interval, right after a database crash, settles with less.
--
-- Nothing outside the function's owner connection reads or writes this table (no grants, RLS
-- with no policies, not in the supabase_realtime publication), so no client sees a change. An
-- unlogged table may reference a logged one, so the foreign key to public.messages stays.
-- SET UNLOGGED rewrites the table, which holds only the checkpoints of answers running now.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table private.message_chunks set unlogged;
