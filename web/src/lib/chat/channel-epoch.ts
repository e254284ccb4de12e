// Which of two epochs of a chat's live channel (`session:<id>[:<epoch>]`) is the later.
//
// The database moves the channel to a new epoch with every removal, from 999999999 back to 1
// (private.bump_session_channel_epoch, 20261206080000_close_epoch_share_and_storage_gaps.sql),
// and the epoch reaches a view on three roads that do not keep each other's order: the
// chat_sessions UPDATE, a read of the session, and `member_removed` on the old topic, which names
// the new one (20261207190000_name_values_in_session_signals.sql). A plain `>` would leave a view
// on 999999999 after the wrap (and a stale read could move it back): epochs are compared as
// serial numbers on their cycle (RFC 1982), the later one less than half a cycle ahead.

/** Epochs run 1 … 999999999 and round again (0 is a chat's first, before any removal). */
const EPOCH_CYCLE = 999_999_999;

/** Whether `next` is a later epoch of the channel than `current`. */
export function isLaterEpoch(next: number, current: number): boolean {
  const ahead = (((next - current) % EPOCH_CYCLE) + EPOCH_CYCLE) % EPOCH_CYCLE;
  return ahead > 0 && ahead < EPOCH_CYCLE / 2;
}
