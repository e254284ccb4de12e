import { describe, expect, it } from 'vitest';
import { ApiError, apiError } from '../api/index.ts';
import { keptRefusal, refusalAdvice, restoredRefusal } from './send-refusal.ts';

describe('refusalAdvice', () => {
  it('links the budget and the key rows, and offers no second try until they change', () => {
    expect(refusalAdvice(new ApiError(402, 'budget_exceeded', 'x', { spent_usd: 1 }), 'openai')).toEqual({ fix: { href: '/settings#budget', label: 'Change budget' }, againAfterMs: null });
    expect(refusalAdvice(new ApiError(422, 'missing_credential', 'x'), 'my provider')).toEqual({ fix: { href: '/settings#key-my%20provider', label: 'Fix it in Settings' }, againAfterMs: null });
    expect(refusalAdvice(new ApiError(502, 'provider_rejected_key', 'x'), 'custom').fix?.href).toBe('/settings#key-custom');
    // The chat owner's budget or key: nothing of the caller's to fix.
    expect(refusalAdvice(new ApiError(402, 'budget_exceeded', 'x', { resets_at: 'r' }), 'openai')).toEqual({ fix: null, againAfterMs: null });
    expect(refusalAdvice(new ApiError(422, 'missing_credential', 'x', { payer: 'owner' }), 'openai')).toEqual({ fix: null, againAfterMs: null });
  });

  it('a second try works after a rate limit’s wait, at once after a server failure or no answer, never after a refused request', () => {
    expect(refusalAdvice(new ApiError(429, 'rate_limited', 'x', { retry_after_seconds: 2.5 }), 'p').againAfterMs).toBe(3000);
    expect(refusalAdvice(new ApiError(429, 'provider_rate_limited', 'x'), 'p').againAfterMs).toBe(0);
    expect(refusalAdvice(new ApiError(503, 'database_unavailable', 'x'), 'p').againAfterMs).toBe(0);
    expect(refusalAdvice(new TypeError('Failed to fetch'), 'p').againAfterMs).toBe(0);
    for (const [status, code] of [[400, 'invalid_request'], [403, 'read_only'], [413, 'payload_too_large'], [422, 'unpriced_model']] as const) {
      expect(refusalAdvice(new ApiError(status, code, 'x'), 'p')).toEqual({ fix: null, againAfterMs: null });
    }
  });

  it("reads a rate limit's Retry-After header into the error", () => {
    const response = new Response(null, { status: 429, headers: { 'retry-after': '7' } });
    const error = apiError(response, { error: { code: 'rate_limited', message: 'Too many messages; try again in 7 s' } });
    expect(error.details).toEqual({ retry_after_seconds: 7 });
    expect(refusalAdvice(error, 'p').againAfterMs).toBe(7000);
    expect(apiError(new Response(null, { status: 402 }), { error: { code: 'budget_exceeded', message: 'x', spent_usd: 1 } }).details).toEqual({ spent_usd: 1 });
  });
});

describe('a refusal kept with the draft', () => {
  it('comes back as the same alert, its fix link and Send again, after what is left of its wait', () => {
    const fix = { href: '/settings#budget', label: 'Change budget' };
    const kept = keptRefusal({ message: 'Budget reached.', retry: null, resend: false, fix }, 1000);
    expect(kept).toEqual({ message: 'Budget reached.', fix, resend: false });
    expect(restoredRefusal(kept, 5000)).toEqual({ message: 'Budget reached.', fix, retry: null, resend: false });
    const limited = keptRefusal({ message: 'Too many messages.', retry: null, resend: true, againAfterMs: 3000 }, 1000);
    expect(restoredRefusal(limited, 2500)).toEqual({ message: 'Too many messages.', fix: null, retry: null, resend: true, againAfterMs: 1500 });
    expect(restoredRefusal(limited, 4000)?.againAfterMs).toBeUndefined();
  });

  it('keeps none for a send that can be retried as it was (its request is not kept), nor for no refusal', () => {
    expect(keptRefusal({ message: 'The server failed.', retry: () => {} })).toBeNull();
    expect(keptRefusal(null)).toBeNull();
    expect(restoredRefusal(null)).toBeNull();
  });
});
