/**
 * Says so in the stack's log when a commit reaches its subscribers late: a chat's rows
 * (Postgres Changes) and what `realtime.send()` sends (the notice to a removed member among
 * them) travel through the replication stream, and a stream that falls behind (a busy machine,
 * a stalled walsender, slow policy checks) is otherwise silent — its subscribers simply see
 * nothing. Rate-limited, so a backlog that is worked off (after a restart the stream resumes
 * from its slot) makes one line, not one per commit.
 */
export interface LagReporterOptions {
  /** Commit → dispatched longer than this is reported (default 1 s). */
  thresholdMs?: number;
  /** At most one line per this long (default 10 s). */
  intervalMs?: number;
  now?: () => number;
}

export type LagReporter = (tx: { commitLsn: string; commitTimestamp: string }, dispatchStartedAt: number) => void;

export function createLagReporter(log: (line: string) => void, options: LagReporterOptions = {}): LagReporter {
  const thresholdMs = options.thresholdMs ?? 1_000;
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastLine = -Infinity;
  return (tx, dispatchStartedAt) => {
    const at = now();
    const committedAt = Date.parse(tx.commitTimestamp);
    const lag = at - committedAt;
    if (!(lag > thresholdMs) || at - lastLine < intervalMs) return;
    lastLine = at;
    log(
      `realtime: the commit at ${tx.commitLsn} reached its subscribers ${Math.round(lag)} ms after it was committed ` +
        `(${Math.round(dispatchStartedAt - committedAt)} ms in the stream, ${Math.round(at - dispatchStartedAt)} ms in its checks)`,
    );
  };
}
