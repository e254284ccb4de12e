// What a reader is told when the API's bucket of signed-out reads for their address is empty
// (PUBLIC_READ_RATE_*, supabase/functions/api/lib/address-rate-limit.ts). Everyone behind one
// address shares it — a class or an office behind one router — and signed-in readers are counted
// by address too, so the way out is waiting, never signing in.

/** Whole seconds to wait, at least 1, from a Retry-After (seconds) that may be missing. */
export function waitSeconds(retryAfter: unknown, fallback = 5): number {
  const seconds = Number(retryAfter);
  return Math.max(1, Math.ceil(Number.isFinite(seconds) && seconds > 0 ? seconds : fallback));
}

const LEAD = 'Many people on your network are reading right now';

/** For a page the reader opened ("Try again in 4 s."), or one that tries again by itself. */
export function busyNetworkMessage(seconds: number, retrying = false): string {
  return retrying ? `${LEAD} — trying again in ${seconds} s.` : `${LEAD}. Try again in ${seconds} s.`;
}

/** What a screen reader is told once while a page counts down to its next try (not each second). */
export const BUSY_NETWORK_RETRYING = `${LEAD} — trying again shortly.`;
