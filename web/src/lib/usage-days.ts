// UTC calendar days for the usage page's per-day charts (the API groups calls by UTC day).

/** The UTC day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Longest range drawn day by day, with empty days as zeros (two years). */
const MAX_FILLED_DAYS = 731;

/**
 * Every UTC day from `from` to `to`, the summary's figures on the days that had calls and
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

