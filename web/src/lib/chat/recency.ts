// The sidebar's chats by when they were last active, as people look for them: Today,
// Yesterday, Previous 7 days, Previous 30 days, then by month ("November 2026"). Days are
// the reader's own (local midnight), so this runs in the browser only.

export interface RecencyGroup<T> {
  label: string;
  items: T[];
}

const DAY = 86_400_000;

/** `items` newest first (`at` gives each one's time); the groups keep that order. */
export function byRecency<T>(items: T[], at: (item: T) => string, now: Date, locale?: string): RecencyGroup<T>[] {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const label = (time: Date) => {
    const t = time.getTime();
    if (t >= midnight) return 'Today';
    if (t >= midnight - DAY) return 'Yesterday';
    if (t >= midnight - 7 * DAY) return 'Previous 7 days';
    if (t >= midnight - 30 * DAY) return 'Previous 30 days';
    return time.toLocaleDateString(locale, { month: 'long', year: 'numeric' });
  };
  const groups: RecencyGroup<T>[] = [];
  for (const item of items) {
    const name = label(new Date(at(item)));
    const last = groups.at(-1);
    if (last?.label === name) last.items.push(item);
    else groups.push({ label: name, items: [item] });
  }
  return groups;
}
