/**
 * Spaces Realtime channel joins: at most `perSecond` (a token bucket holding a second's worth).
 * Hosted Realtime counts channel joins per second per project, browsers' included
 * (https://supabase.com/docs/guides/realtime/limits: 100 on Free, 500 on Pro), and each join of
 * a private channel is an authorisation query in the database. A join asked for when none is
 * left waits its turn, and is skipped if it is no longer wanted by then.
 */
export interface JoinPacer {
  /** Runs `join` now when a join is left, else later, once one is — if `wanted()` still holds. */
  request(join: () => void, wanted: () => boolean): void;
}

export function createJoinPacer(perSecond: number): JoinPacer {
  const rate = Math.max(0.1, perSecond);
  const capacity = Math.max(1, rate);
  let budget = capacity;
  let refilledAt = performance.now();
  const waiting: { join: () => void; wanted: () => boolean }[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const take = () => {
    const now = performance.now();
    budget = Math.min(capacity, budget + ((now - refilledAt) * rate) / 1000);
    refilledAt = now;
    if (budget < 1) return false;
    budget -= 1;
    return true;
  };
  const drain = () => {
    timer = null;
    while (waiting.length > 0) {
      if (!waiting[0]!.wanted()) {
        waiting.shift();
        continue;
      }
      if (!take()) break;
      waiting.shift()!.join();
    }
    if (waiting.length > 0) timer = setTimeout(drain, Math.ceil(1000 / rate));
  };
  return {
    request(join, wanted) {
      if (waiting.length === 0 && take()) return join();
      waiting.push({ join, wanted });
      timer ??= setTimeout(drain, Math.ceil(1000 / rate));
    },
  };
}
