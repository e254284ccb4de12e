-- A running turn renews its lease (private.chat_turns.lease_expires_at) every lease/3 for as
-- long as it streams. lease_expires_at was indexed, so every renewal was a non-HOT update: a
-- new row version placed wherever there was room and a new entry in each of the table's four
-- indexes, all of it in the WAL. No query looks leases up by time (an expired lease is found
-- from the answer's row, by message_id), so the index goes, and with free room kept on each
-- page a renewal becomes a heap-only tuple update on the same page, without index entries
-- (https://www.postgresql.org/docs/17/storage-hot.html).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why 70: a row is ~100 bytes and lives for one answer; the 30 % left free on each page holds
-- the renewals' new versions until pruning reclaims the old ones.
alter table private.chat_turns set (fillfactor = 70);

-- ============================================================================
-- INDEXES
-- ============================================================================

drop index private.chat_turns_lease_expires_at_idx;
