// Usage dashboard data for a date range (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive; default the
// last 7 days; at most the last 400 days of a longer one), in the reader's time zone: days,
// "today" and the range's midnights are that zone's. The zone comes from the cookie the browser
// writes when the app starts (hooks.client.ts), so it is known before the first request for
// this page; without it (a browser that never ran the app's scripts) nothing is fetched, and
// the page asks again once the browser has written it, instead of drawing UTC days first.
import { z } from 'zod';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadUsage } from '$lib/server/usage';
import { addDays, shownRange } from '$lib/usage-days';
import { knownTimeZone, localDay, TIME_ZONE_COOKIE } from '$lib/time-zone';
import type { PageServerLoad } from './$types';

const day = z.iso.date();

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const cookie = event.cookies.get(TIME_ZONE_COOKIE);
  // A zone this server's tz data does not know (the browser's is newer): UTC, said on the page.
  const zone = cookie === undefined ? null : knownTimeZone(cookie) ? cookie : 'UTC';
  const today = localDay(new Date(), zone ?? 'UTC');
  const asked = {
    from: day.catch(addDays(today, -6)).parse(event.url.searchParams.get('from')),
    to: day.catch(today).parse(event.url.searchParams.get('to')),
  };
  const { from, to, shortened } = shownRange(asked.from, asked.to);
  if (zone === null) return { zone, from, to, shortened, usage: null };
  try {
    return { zone, from, to, shortened, usage: await loadUsage(api, from, to, zone) };
  } catch (err) {
    loadFailed(err);
  }
};
