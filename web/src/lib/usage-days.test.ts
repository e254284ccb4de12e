import { describe, expect, it } from 'vitest';
import { everyDay, MAX_RANGE_DAYS, nextDay, shownRange } from './usage-days';

const empty = (day: string) => ({ day, calls: 0 });

describe('everyDay', () => {
  it('draws every day of the range, zeros where there were no calls', () => {
    expect(everyDay('2026-11-27', '2026-12-03', [{ day: '2026-11-29', calls: 4 }, { day: '2026-12-03', calls: 2 }], empty)).toEqual([
      { day: '2026-11-27', calls: 0 },
      { day: '2026-11-28', calls: 0 },
      { day: '2026-11-29', calls: 4 },
      { day: '2026-11-30', calls: 0 },
      { day: '2026-12-01', calls: 0 },
      { day: '2026-12-02', calls: 0 },
      { day: '2026-12-03', calls: 2 },
    ]);
  });

  it('crosses month, year and leap-day ends in UTC', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(everyDay('2027-02-27', '2027-03-01', [], empty).map((d) => d.day)).toEqual(['2027-02-27', '2027-02-28', '2027-03-01']);
    expect(everyDay('2026-12-03', '2026-12-03', [], empty)).toEqual([{ day: '2026-12-03', calls: 0 }]);
  });

  it('a range too long to draw day by day keeps the days with calls only', () => {
    const busy = [{ day: '2020-06-01', calls: 1 }];
    expect(everyDay('2020-01-01', '2026-12-31', busy, empty)).toBe(busy);
    expect(everyDay('2025-01-01', '2026-12-31', busy, empty)).toHaveLength(730);
  });
});

describe('shownRange', () => {
  it('keeps the last 400 days of a longer range, which the API would refuse', () => {
    expect(shownRange('2024-01-01', '2026-12-03')).toEqual({ from: '2025-10-30', to: '2026-12-03', shortened: true });
    expect(everyDay('2025-10-30', '2026-12-03', [], empty)).toHaveLength(MAX_RANGE_DAYS);
    expect(shownRange('2025-10-30', '2026-12-03')).toEqual({ from: '2025-10-30', to: '2026-12-03', shortened: false });
  });

  it('turns a start after the end into that one day', () => {
    expect(shownRange('2026-12-05', '2026-12-03')).toEqual({ from: '2026-12-03', to: '2026-12-03', shortened: false });
  });
});
