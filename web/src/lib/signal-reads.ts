// Re-reading what a signal from the database says changed: at once, and once more a moment
// later.
//
// The database sends these signals itself (`realtime.send()` in a trigger, "Broadcast from the
// database": https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database).
// Realtime receives them through logical replication, which hands a transaction on once its
// commit record is in the WAL. Postgres makes a committed transaction visible to other sessions
// a step later (xact.c's CommitTransaction: RecordTransactionCommit, then
// ProcArrayEndTransaction, https://github.com/postgres/postgres/blob/master/src/backend/access/transam/xact.c),
// so a read the signal starts at once can still be answered from before the change. It happens
// on a busy machine: an invitation cancelled while its invitee's list was read again in the
// same few milliseconds stayed listed, because no other signal came. The second read settles
// what the first may have missed; signals in a row share it.

/** How long after a signal its settling read goes out. */
export const SIGNAL_SETTLE_MS = 500;

export interface SignalReads {
  /** Runs `read` now, and again `settleMs` later; a later call with the same key moves that repeat. */
  read(key: string, read: () => void): void;
  /** Cancels the repeats still waiting (the component is going). */
  stop(): void;
}

export function signalReads(settleMs = SIGNAL_SETTLE_MS): SignalReads {
  const waiting = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    read(key, read) {
      read();
      clearTimeout(waiting.get(key));
      waiting.set(key, setTimeout(() => {
        waiting.delete(key);
        read();
      }, settleMs));
    },
    stop() {
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
    },
  };
}
