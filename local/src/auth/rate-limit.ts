/**
 * Failed sign-in throttling. Counts failed password grants in a sliding 5-minute window:
 *  - per client address: `[auth.rate_limit] sign_in_sign_ups` failures (30 by default),
 *    matching GoTrue's per-IP window of 5 minutes (GoTrue limits /token per client address
 *    only: performRateLimiting in internal/api/token.go);
 *  - per email *and* client address: 5 failures → that address's further attempts for that
 *    email get 429 until the oldest failure leaves the window (a successful sign-in from the
 *    address clears it). Keyed by both, so failures from elsewhere never lock the owner out;
 *    one address guessing one account's password gets 5 tries, not its whole budget.
 * Sign-ups are counted per address too (every attempt, `SIGNUPS_PER_IP_FACTOR` × the same
 * setting, 300 per 5 minutes by default): generous for people and test suites, but a script
 * cannot fill auth.users or keep bcrypt busy.
 * An attempt is counted when it starts, before the password is hashed (`begin`), and
 * forgiven only once it succeeded: parallel guesses cannot all slip in while bcrypt runs.
 * A client address is what http.ts clientKey counts as one: an IPv4 address or an IPv6 /64,
 * so one subscriber cannot pick a fresh address (and 5 fresh guesses) for every few tries.
 * State is in memory: a restart forgets it, which only ever helps the legitimate user.
 */
import { AuthError } from './http.ts';

export const FAILURE_WINDOW_MS = 5 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const SIGNUPS_PER_IP_FACTOR = 10;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly maxPerIp: number, private readonly now: () => number = Date.now) {}

  /** Throws 429 over_request_rate_limit when the address, or this email from it, is over limit. */
  check(email: string, ip: string): void {
    const emailWait = this.waitMs(accountKey(email, ip), MAX_FAILURES_PER_EMAIL);
    const ipWait = this.waitMs(`ip:${ip}`, this.maxPerIp);
    const wait = Math.max(emailWait, ipWait);
    if (wait > 0) throw tooMany(wait);
  }

  /**
   * Checks the limits and counts this attempt as a failure at once (synchronously, so
   * concurrent attempts see each other). Call `succeeded()` when the password matched.
   */
  begin(email: string, ip: string): { succeeded(): void } {
    this.check(email, ip);
    const at = this.now();
    this.push(accountKey(email, ip), at);
    this.push(`ip:${ip}`, at);
    return {
      succeeded: () => {
        this.failures.delete(accountKey(email, ip));
        const list = this.failures.get(`ip:${ip}`);
        const index = list?.lastIndexOf(at) ?? -1;
        if (list && index >= 0) list.splice(index, 1);
      },
    };
  }

  private push(key: string, at: number): void {
    const list = this.recent(key);
    list.push(at);
    this.failures.set(key, list);
    if (this.failures.size > 50_000) this.sweep();
  }

  recordFailure(email: string, ip: string): void {
    for (const key of [accountKey(email, ip), `ip:${ip}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
    if (this.failures.size > 50_000) this.sweep();
  }

  /** Counts a sign-up attempt from ip; throws 429 once the address is over its budget. */
  signUp(ip: string): void {
    const key = `signup:${ip}`;
    const wait = this.waitMs(key, this.maxPerIp * SIGNUPS_PER_IP_FACTOR);
    if (wait > 0) throw tooMany(wait);
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  recordSuccess(email: string, ip: string): void {
    this.failures.delete(accountKey(email, ip));
  }

  private waitMs(key: string, max: number): number {
    const list = this.recent(key);
    if (list.length < max) return 0;
    return list[list.length - max]! + FAILURE_WINDOW_MS - this.now();
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - FAILURE_WINDOW_MS;
    return (this.failures.get(key) ?? []).filter((at) => at > cutoff);
  }

  /** Bounds memory under a spray of distinct emails. */
  private sweep(): void {
    for (const key of [...this.failures.keys()]) {
      const list = this.recent(key);
      if (list.length) this.failures.set(key, list);
      else this.failures.delete(key);
    }
  }
}

/** One email as tried from one client address. */
function accountKey(email: string, ip: string): string {
  return `email:${JSON.stringify([ip, email])}`;
}

function tooMany(waitMs: number): AuthError {
  return new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', {}, {
    'Retry-After': String(Math.ceil(waitMs / 1000)),
  });
}
