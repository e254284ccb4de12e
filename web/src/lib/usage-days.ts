// Calendar days for the usage page's per-day charts: the API counts calls on the days of the
// reader's zone (`tz`), and a day is a plain YYYY-MM-DD here, so stepping from one to the next
// is calendar arithmetic (done on UTC dates, where every day has 24 hours), whatever the zone.

/** The calendar day `n` days after `day` (YYYY-MM-DD; `n` may be negative). */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

/** The calendar day after `day` (YYYY-MM-DD). */
export const nextDay = (day: string): string => addDays(day, 1);

/** Most days the API reports at once (GET /usage's MAX_RANGE_DAYS, `to` exclusive). */
export const MAX_RANGE_DAYS = 400;

/**
 * The days the usage page can show for a range asked in its address (inclusive, YYYY-MM-DD): a
 * `from` after `to` becomes `to`, and a range longer than the API reports at once keeps its
 * last MAX_RANGE_DAYS days (`shortened`), instead of an error page and a CSV link that fails.
 */
export function shownRange(from: string, to: string): { from: string; to: string; shortened: boolean } {
  if (from > to) return { from: to, to, shortened: false };
  const first = addDays(to, -(MAX_RANGE_DAYS - 1));
  return from < first ? { from: first, to, shortened: true } : { from, to, shortened: false };
}

/** Longest range drawn day by day, with empty days as zeros (two years). */
const MAX_FILLED_DAYS = 731;

/**
 * Every day from `from` to `to`, the summary's figures on the days that had calls and
 * zeros on the others: a week with one busy day draws seven bars, not one bar the chart's width.
 */
export function everyDay<Day extends { day: string }>(from: string, to: string, days: Day[], empty: (day: string) => Day): Day[] {
  const known = new Map(days.map((d) => [d.day, d]));
  const filled: Day[] = [];
  for (let day = from; day <= to; day = nextDay(day)) {
    if (filled.length === MAX_FILLED_DAYS) return days; // too long to draw day by day: the days with calls
    filled.push(known.get(day) ?? empty(day));
  }
  return filled;
}

