// Usage dashboard data for a date range (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive; default the
// last 7 days; at most the last 400 days of a longer one), in the reader's time zone: days,
// "today" and the range's midnights are that zone's. The zone comes from the cookie the browser
// writes when the app starts (hooks.client.ts), so it is known before the first request for
// this page. Without it (a browser that has not run the app's scripts, or never will: no
// JavaScript) the figures are UTC's, and the page says so; once the scripts run, the page asks
// again in the browser's zone.
import { z } from 'zod';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadUsage } from '$lib/server/usage';
import { addDays, shownRange } from '$lib/usage-days';
import { knownTimeZone, localDay, TIME_ZONE_COOKIE } from '$lib/time-zone';
import type { PageServerLoad } from './$types';

const day = z.iso.date();

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  // The reader's id: their own calls say "You" where a member's say the member's name.
  const { claims } = await event.locals.safeGetSession();
  const cookie = event.cookies.get(TIME_ZONE_COOKIE);
  // No cookie, or a zone this server's tz data does not know (the browser's is newer): UTC, said on the page.
  const zoneFromBrowser = cookie !== undefined;
  const zone = cookie !== undefined && knownTimeZone(cookie) ? cookie : 'UTC';
  const today = localDay(new Date(), zone);
  const asked = {
    from: day.catch(addDays(today, -6)).parse(event.url.searchParams.get('from')),
    to: day.catch(today).parse(event.url.searchParams.get('to')),
  };
  const { from, to, shortened } = shownRange(asked.from, asked.to);
  try {
    return { zone, zoneFromBrowser, from, to, shortened, usage: await loadUsage(api, from, to, zone, typeof claims?.sub === 'string' ? claims.sub : null) };
  } catch (err) {
    loadFailed(err);
  }
};
