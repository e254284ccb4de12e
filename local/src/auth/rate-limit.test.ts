import { describe, expect, it } from 'vitest';
import { AuthError } from './http.ts';
import { FAILURE_WINDOW_MS, MAX_FAILURES_PER_EMAIL, SignInLimiter } from './rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function refusal(run: () => void): AuthError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
}

describe('SignInLimiter', () => {
  it('refuses an email from an address after 5 failures from there until the oldest leaves the 5-minute window', () => {
    const time = clock();
    const limiter = new SignInLimiter(30, time.now);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(refusal(() => limiter.check('ada@example.test', '10.0.0.1'))).toBeNull();
      limiter.recordFailure('ada@example.test', '10.0.0.1');
      time.advance(1000);
    }
    const error = refusal(() => limiter.check('ada@example.test', '10.0.0.1'));
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
    expect(Number(error?.headers['Retry-After'])).toBeGreaterThan(0);
    // Other emails from the same address are unaffected (its budget is 30).
    expect(refusal(() => limiter.check('bob@example.test', '10.0.0.1'))).toBeNull();
    time.advance(FAILURE_WINDOW_MS - 4000);
    expect(refusal(() => limiter.check('ada@example.test', '10.0.0.1'))).toBeNull();
  });

  // Audit F8: five failures from anywhere used to lock the address out for everyone.
  it('never locks an email out for other addresses, however many failures come from elsewhere', () => {
    const time = clock();
    const limiter = new SignInLimiter(30, time.now);
    for (let i = 0; i < 4 * MAX_FAILURES_PER_EMAIL; i++) limiter.recordFailure('ada@example.test', `10.0.0.${i}`);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) limiter.recordFailure('ada@example.test', '10.0.1.1');
    expect(refusal(() => limiter.check('ada@example.test', '10.0.1.1'))?.status).toBe(429);
    // The owner, at another address, is not refused.
    expect(refusal(() => limiter.check('ada@example.test', '192.0.2.50'))).toBeNull();
  });

  it('refuses an address after its failure budget, across emails', () => {
    const time = clock();
    const limiter = new SignInLimiter(3, time.now);
    for (let i = 0; i < 3; i++) limiter.recordFailure(`user${i}@example.test`, '192.0.2.1');
    expect(refusal(() => limiter.check('new@example.test', '192.0.2.1'))?.status).toBe(429);
    expect(refusal(() => limiter.check('new@example.test', '192.0.2.2'))).toBeNull();
  });

  it('forgets an email\'s failures from an address after a successful sign-in from there', () => {
    const limiter = new SignInLimiter(30);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL - 1; i++) limiter.recordFailure('ada@example.test', '192.0.2.1');
    limiter.recordSuccess('ada@example.test', '192.0.2.1');
    limiter.recordFailure('ada@example.test', '192.0.2.1');
    expect(refusal(() => limiter.check('ada@example.test', '192.0.2.1'))).toBeNull();
  });

  it('counts every sign-up per address against ten times the budget', () => {
    const limiter = new SignInLimiter(2, clock().now);
    for (let i = 0; i < 20; i++) limiter.signUp('192.0.2.1');
    expect(refusal(() => limiter.signUp('192.0.2.1'))?.status).toBe(429);
    expect(refusal(() => limiter.signUp('192.0.2.2'))).toBeNull();
  });
});
