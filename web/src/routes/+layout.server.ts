// Every page needs to know who (if anyone) is signed in, and whether their monthly budget
// is nearly or fully used (the banner) — nothing else from here.
import { createApi, ok, type Budget } from '$lib/api';
import { apiHeaders, functionsBase } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, fetch }) => {
  const { session, claims } = await locals.safeGetSession();
  return {
    user: claims ? { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null } : null,
    budgetWarning: session ? await budgetWarning(fetch, session.access_token) : null,
  };
};

/** The budget when it needs a banner (80 % and up); a failure to read it never breaks a page. */
async function budgetWarning(fetchImpl: typeof fetch, token: string): Promise<Budget | null> {
  try {
    const budget = await ok(createApi(fetchImpl, functionsBase(), apiHeaders(token)).GET('/api/budget'));
    return budget.state === 'warning' || budget.state === 'exceeded' ? budget : null;
  } catch {
    return null;
  }
}
