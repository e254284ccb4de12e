// What the chat offers after a send is refused before its turn starts (turn-sender.ts): where
// the refusal is fixed — Settings › Monthly budget for the caller's own budget, the provider's
// key row for a missing or refused key — and whether sending again can work, and from when (a
// rate limit's Retry-After). Read from the API's error `code` and fields, never its wording
// (QA6 #3: a 402 offered Retry, which could not succeed until the budget was raised, and named
// Settings in plain text).
import { ApiError } from '$lib/api';
import type { DraftRefusal } from '$lib/chat/drafts';
import { fixKeyHref } from '$lib/chat/send-blocked';
import type { SendError } from '$lib/chat/turn-sender';

/** A link to where a refusal is fixed. */
export interface RefusalFix {
  href: string;
  label: string;
}

export interface RefusalAdvice {
  fix: RefusalFix | null;
  /** Sending again may work: at once (0) or after this many ms; null when not until something changes. */
  againAfterMs: number | null;
}

/** Statuses after which the very same request may succeed by itself (the sign-in refreshed, a timeout). */
const TRANSIENT = new Set([401, 408, 425]);
/** Codes that wait for the person to change something elsewhere (or another choice here). */
const KEY_CODES = new Set(['missing_credential', 'provider_rejected_key']);

/** Where `err` is fixed and whether (and when) sending again can work; `provider`: the one the send asked. */
export function refusalAdvice(err: unknown, provider: string): RefusalAdvice {
  if (!(err instanceof ApiError)) return { fix: null, againAfterMs: 0 };
  if (err.code === 'budget_exceeded') {
    // A group chat owner's budget (their shared key) has no amounts in it, and is not the caller's to raise.
    const own = typeof err.details.spent_usd === 'number';
    return { fix: own ? { href: '/settings#budget', label: 'Change budget' } : null, againAfterMs: null };
  }
  if (KEY_CODES.has(err.code)) {
    // The chat owner's shared key is theirs to add (`payer: 'owner'`), not the caller's.
    const own = err.details.payer !== 'owner';
    return { fix: own ? { href: fixKeyHref(provider), label: 'Fix it in Settings' } : null, againAfterMs: null };
  }
  if (err.status === 429) return { fix: null, againAfterMs: retryAfterMs(err) };
  // No answer, or the server failing: it may go through at once.
  return { fix: null, againAfterMs: err.status === 0 || err.status >= 500 || TRANSIENT.has(err.status) ? 0 : null };
}

/** A rate limit's wait (its Retry-After, in seconds, as $lib/api reads it), 0 when it names none. */
function retryAfterMs(err: ApiError): number {
  const seconds = Number(err.details.retry_after_seconds);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) * 1000 : 0;
}

/**
 * The refusal to keep with the draft it gave back (drafts.ts), so leaving for Settings and coming
 * back shows it again; null for one with a Retry (its request is not kept, nor worth keeping).
 */
export function keptRefusal(error: SendError | null, now = Date.now()): DraftRefusal | null {
  if (!error || error.retry) return null;
  return {
    message: error.message,
    fix: error.fix ?? null,
    resend: error.resend ?? false,
    ...(error.againAfterMs ? { readyAt: now + error.againAfterMs } : {}),
  };
}

/** The alert again, from a kept refusal: "Send again" waits out what is left of a rate limit's wait. */
export function restoredRefusal(kept: DraftRefusal | null, now = Date.now()): SendError | null {
  if (!kept) return null;
  const wait = kept.readyAt !== undefined ? kept.readyAt - now : 0;
  return { message: kept.message, fix: kept.fix, retry: null, resend: kept.resend, ...(wait > 0 ? { againAfterMs: wait } : {}) };
}
