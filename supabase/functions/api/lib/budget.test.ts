// The budget month: [1st 00:00 UTC, next 1st) for any instant, December into January, leap
// years; and how a spend classifies against a budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetExceeded, budgetStatus, monthWindow } from './budget.ts';

describe('monthWindow', () => {
  it('contains the instant, starts on the 1st at midnight UTC and ends where the next month starts', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true }), (now) => {
        const { start, resetsAt } = monthWindow(now);
        expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(now.getTime()).toBeLessThan(resetsAt.getTime());
        expect(start.toISOString()).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
        expect(resetsAt.toISOString()).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
        // The next month's window starts exactly where this one ends.
        expect(monthWindow(resetsAt).start.getTime()).toBe(resetsAt.getTime());
        expect(monthWindow(new Date(resetsAt.getTime() - 1)).start.getTime()).toBe(start.getTime());
      }),
    );
  });

  it('handles the last millisecond of a month, December and February of a leap year', () => {
    expect(monthWindow(new Date('2026-04-30T23:59:59.999Z'))).toEqual({ start: new Date('2026-04-01T00:00:00Z'), resetsAt: new Date('2026-05-01T00:00:00Z') });
    expect(monthWindow(new Date('2026-05-01T00:00:00.000Z')).start).toEqual(new Date('2026-05-01T00:00:00Z'));
    expect(monthWindow(new Date('2026-12-31T23:59:59Z')).resetsAt).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(monthWindow(new Date('2028-02-29T12:00:00Z')).resetsAt).toEqual(new Date('2028-03-01T00:00:00Z'));
    // 23:30 on the 31st in New York is already the 1st in UTC: the UTC month counts.
    expect(monthWindow(new Date('2026-01-31T23:30:00-05:00')).start).toEqual(new Date('2026-02-01T00:00:00Z'));
  });
});

describe('budgetStatus', () => {
  const start = new Date('2026-05-01T00:00:00Z');
  const reset = new Date('2026-06-01T00:00:00Z');
  it('is ok below 80 %, warning from 80 %, exceeded from 100 %, none without a budget', () => {
    expect(budgetStatus(10, 7.99, start, reset).state).toBe('ok');
    expect(budgetStatus(10, 8, start, reset).state).toBe('warning');
    expect(budgetStatus(10, 9.99, start, reset).state).toBe('warning');
    expect(budgetStatus(10, 10, start, reset)).toMatchObject({ state: 'exceeded', used_share: 1, resets_at: '2026-06-01T00:00:00.000Z' });
    expect(budgetStatus(null, 1000, start, reset)).toMatchObject({ state: 'none', used_share: null });
    expect(budgetStatus(0, 0, start, reset).state).toBe('exceeded');
  });
});

describe('budgetExceeded', () => {
  const { start, resetsAt } = monthWindow(new Date('2026-12-06T12:00:00Z'));

  it('says the amounts as the web app shows them: a budget under a cent is not "$0.00" (QA 6 #4)', () => {
    const refusal = budgetExceeded(budgetStatus(0.003, 0.0041, start, resetsAt));
    expect(refusal.status).toBe(402);
    expect(refusal.message).toBe("This month's budget of $0.003 is used up ($0.0041 spent); it resets on 2027-01-01 (UTC). Raise it in Settings to continue.");
    expect(budgetExceeded(budgetStatus(0.01, 0.0153, start, resetsAt)).message).toContain('budget of $0.01 is used up ($0.015 spent)');
    expect(budgetExceeded(budgetStatus(2500, 2500.5, start, resetsAt)).message).toContain('budget of $2,500.00 is used up ($2,500.50 spent)');
  });
});
