/**
 * Limits on auth emails ([auth.rate_limit] email_sent, per hour): `email_sent` per recipient,
 * and `PER_ADDRESS_FACTOR` × that per client (http.ts clientKey: an IPv4 address or an IPv6 /64;
 * one person may try a few recipient addresses), so
 * neither one inbox nor one client can make the stack send a flood; plus
 * GoTrue's per-user `max_frequency` between two mails of the same kind (checked by the caller
 * against the *_sent_at columns). In memory: a restart forgets it.
 */
import { AuthError } from './http.ts';

const HOUR_MS = 60 * 60 * 1000;
export const PER_ADDRESS_FACTOR = 5;

export class MailLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly maxFrequencySeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one mail to `to` requested from `ip`; 429 over_email_send_rate_limit when over.
   * Called before the address is looked up, so known and unknown addresses count alike. */
  take(to: string, ip: string): void {
    const keys = [`to:${to.toLowerCase()}`, `ip:${ip}`];
    const cutoff = this.now() - HOUR_MS;
    const last = this.sent.get(keys[0]!)?.at(-1);
    if (last !== undefined) assertFrequency(new Date(last), this.maxFrequencySeconds, this.now());
    const lists = keys.map((key) => (this.sent.get(key) ?? []).filter((at) => at > cutoff));
    const limits = [this.perHour, this.perHour * PER_ADDRESS_FACTOR];
    const over = lists.findIndex((list, i) => list.length >= limits[i]!);
    if (over >= 0) {
      const list = lists[over]!;
      const retry = Math.ceil((list[list.length - limits[over]!]! + HOUR_MS - this.now()) / 1000);
      throw new AuthError(429, 'over_email_send_rate_limit', 'Email rate limit exceeded', {}, { 'Retry-After': String(Math.max(1, retry)) });
    }
    keys.forEach((key, i) => this.sent.set(key, [...lists[i]!, this.now()]));
    if (this.sent.size > 50_000) {
      for (const [key, list] of this.sent) if (!list.some((at) => at > cutoff)) this.sent.delete(key);
    }
  }
}

/** GoTrue's validateSentWithinFrequencyLimit: 429 over_email_send_rate_limit with the wait. */
export function assertFrequency(sentAt: Date | null, maxFrequencySeconds: number, now = Date.now()): void {
  if (!sentAt) return;
  const readyAt = sentAt.getTime() + maxFrequencySeconds * 1000;
  if (readyAt > now) {
    const left = Math.ceil((readyAt - now) / 1000);
    throw new AuthError(429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${left} seconds.`);
  }
}

/**
 * A sliding-window count of attempts per key: code checks get [auth.rate_limit]
 * token_verifications per 5 minutes per key. Keys are `ip:<client>` (every /verify request, as
 * GoTrue's limiterOpts.Verify in front of the whole route, internal/api/api.go; the client as
 * http.ts clientKey counts it) and the thing a code is for (`email:<address>`, `mfa:<user>`,
 * `reauthentication:<user>`), so spreading guesses over addresses does not help either.
 */
export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Counts one attempt against every key at once, or (429 over_request_rate_limit, GoTrue's
   * "Request rate limit reached") against none when any of them is spent. */
  take(...keys: string[]): void {
    this.begin(...keys);
  }

  /**
   * As `take`, for budgets of failures: the attempt counts from the moment it starts (so
   * parallel ones see each other), and `succeeded()` takes it back once it turned out right.
   */
  begin(...keys: string[]): { succeeded(): void } {
    const at = this.now();
    const cutoff = at - this.windowMs;
    const lists = keys.map((key) => (this.attempts.get(key) ?? []).filter((time) => time > cutoff));
    const full = lists.find((list) => list.length >= this.max);
    if (full) {
      const retry = Math.ceil((full[full.length - this.max]! + this.windowMs - at) / 1000);
      throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', {}, { 'Retry-After': String(Math.max(1, retry)) });
    }
    keys.forEach((key, i) => this.attempts.set(key, [...lists[i]!, at]));
    if (this.attempts.size > 50_000) {
      for (const [key, list] of this.attempts) if (!list.some((time) => time > cutoff)) this.attempts.delete(key);
    }
    return {
      succeeded: () => {
        for (const key of keys) {
          const list = this.attempts.get(key);
          const index = list?.lastIndexOf(at) ?? -1;
          if (list && index >= 0) list.splice(index, 1);
        }
      },
    };
  }
}
