// Usage dashboard data for a date range (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive; default last 7 days).
import { z } from 'zod';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadUsage } from '$lib/server/usage';
import type { PageServerLoad } from './$types';

const day = z.iso.date();

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const to = day.catch(today).parse(event.url.searchParams.get('to'));
  let from = day.catch(weekAgo).parse(event.url.searchParams.get('from'));
  if (from > to) from = to;
  try {
    return { from, to, usage: await loadUsage(api, from, to) };
  } catch (err) {
    loadFailed(err);
  }
};
