// Usage dashboard data for a date range (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive; default last 7 days;
// at most the last 400 days of a longer one).
import { z } from 'zod';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadUsage } from '$lib/server/usage';
import { shownRange } from '$lib/usage-days';
import type { PageServerLoad } from './$types';

const day = z.iso.date();

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const asked = { from: day.catch(weekAgo).parse(event.url.searchParams.get('from')), to: day.catch(today).parse(event.url.searchParams.get('to')) };
  const { from, to, shortened } = shownRange(asked.from, asked.to);
  try {
    return { from, to, shortened, usage: await loadUsage(api, from, to) };
  } catch (err) {
    loadFailed(err);
  }
};
