// Every page needs to know who (if anyone) is signed in, and whether their monthly budget
// is nearly or fully used (the banner), and the colour theme — nothing else from here.
import { createApi, ok, type Budget } from '$lib/api';
import { apiHeaders, functionsBase } from '$lib/server/api';
import { DEFAULT_THEME, followProfileTheme, Theme, themeCookie } from '$lib/server/theme';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { redirect, type Cookies } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/** Pages an account with an unused second factor may still open. */
const BEFORE_SECOND_FACTOR = /^\/(login|logout|auth|reset-password|s\/)/;

export const load: LayoutServerLoad = async ({ locals, fetch, cookies, url }) => {
  const { session, claims } = await locals.safeGetSession();
  // A password alone does not open an account that has an authenticator app.
  if (session && !BEFORE_SECOND_FACTOR.test(url.pathname) && (await needsSecondFactor(locals.supabase))) {
    redirect(303, `/login/mfa?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const budget = session && claims ? await budgetAndTheme(fetch, session.access_token, cookies, url, claims.sub) : null;
  return {
    user: claims ? { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null } : null,
    budgetWarning: budget?.state === 'warning' || budget?.state === 'exceeded' ? budget : null,
    theme: themeCookie(cookies) ?? DEFAULT_THEME,
  };
};

/**
 * The budget (for the banner from 80 %) and the profile's theme, in one read: the theme cookie
 * follows the profile, so a theme chosen on another device shows on this one's next page.
 * A failure to read them never breaks a page: no banner, and the theme this device had.
 */
async function budgetAndTheme(fetchImpl: typeof fetch, token: string, cookies: Cookies, url: URL, userId: string): Promise<Budget | null> {
  try {
    const summary = await ok(createApi(fetchImpl, functionsBase(), apiHeaders(token)).GET('/api/me/summary'));
    followProfileTheme(cookies, Theme.catch(DEFAULT_THEME).parse(summary.theme), url, userId);
    return summary.budget;
  } catch {
    return null;
  }
}
