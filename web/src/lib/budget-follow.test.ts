// Which budget the banner shows after a call ends here (QA 6 #5): the newer of the page load's
// and the follow-up read, told by the spend within one month and one budget.
import { describe, expect, it } from 'vitest';
import type { Budget } from '$lib/api';
import { newerBudget } from './budget-follow.ts';

const budget = (over: Partial<Budget> = {}): Budget => ({
  monthly_budget_usd: 0.03, spent_usd: 0.02, used_share: 0.67, state: 'ok',
  month_start: '2026-12-01T00:00:00.000Z', resets_at: '2027-01-01T00:00:00.000Z', ...over,
});

describe('newerBudget', () => {
  it('keeps the warning a later read brought over a page load that read before the answer ended', () => {
    const read = budget({ spent_usd: 0.025, used_share: 0.83, state: 'warning' });
    expect(newerBudget(budget(), read)).toBe(read);
  });

  it("takes the load's when it is as new or newer, or another month or budget", () => {
    const loaded = budget({ spent_usd: 0.026, state: 'warning' });
    expect(newerBudget(loaded, budget({ spent_usd: 0.025 }))).toBe(loaded);
    const raised = budget({ monthly_budget_usd: 10, spent_usd: 0.02, state: 'ok' });
    expect(newerBudget(raised, budget({ spent_usd: 0.025, state: 'warning' }))).toBe(raised);
    const nextMonth = budget({ spent_usd: 0, month_start: '2027-01-01T00:00:00.000Z' });
    expect(newerBudget(nextMonth, budget({ spent_usd: 0.025 }))).toBe(nextMonth);
    expect(newerBudget(null, budget())).toBeNull();
    expect(newerBudget(loaded, null)).toBe(loaded);
  });
});
