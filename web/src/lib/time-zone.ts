// The reader's time zone, which only the browser knows (Intl), and the calendar day of an
// instant in it. The browser keeps its zone in a small cookie from the moment the app starts
// (hooks.client.ts), so a server load — the usage page's days, its "last 7 days" — already
// renders in the reader's zone on the first request after that: no flash of UTC figures
// replaced by local ones. The API checks the zone again (lib/time-zone.ts of the function).

/** The cookie holding the browser's IANA zone (not a secret, not http-only: the browser writes it). */
export const TIME_ZONE_COOKIE = 'mrprompt-tz';

// An IANA name starts with a letter: `UTC`, `Europe/Berlin`, `America/Argentina/Salta`.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/** The zone's usual spelling, or null for anything that is not a zone this runtime knows. */
export function knownTimeZone(name: string | null | undefined): string | null {
  if (!name || name.length > 64 || !ZONE_NAME.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The browser's zone (UTC if it reports none it knows). Browser code only. */
export function browserTimeZone(): string {
  return knownTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
}

/** Writes the browser's zone to the cookie; true if it was missing or different. Browser code only. */
export function rememberTimeZone(): boolean {
  const zone = browserTimeZone();
  const current = document.cookie.split('; ').find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`));
  if (current === `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}`) return false;
  const secure = location.protocol === 'https:' ? '; secure' : '';
  document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=${400 * 24 * 3600}; samesite=lax${secure}`;
  return true;
}

/** The calendar day (YYYY-MM-DD) of `at` in `zone`. */
export function localDay(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * The last second of a calendar day (YYYY-MM-DD) in the browser's own zone, as an instant:
 * the Date constructor reads its fields as local time, summer time included. Browser code only.
 */
export function endOfLocalDay(day: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year!, month! - 1, date!, 23, 59, 59);
}
