// Every page needs to know who (if anyone) is signed in, and whether their monthly budget
// is nearly or fully used (the banner), and the colour theme — nothing else from here.
import { createApi, ok, type Budget } from '$lib/api';
import { apiHeaders, functionsBase } from '$lib/server/api';
import { DEFAULT_THEME, rememberTheme, Theme, themeCookie, themeIsFor } from '$lib/server/theme';
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
  if (session && claims && !themeIsFor(cookies, claims.sub)) await adoptProfileTheme(fetch, session.access_token, cookies, url, claims.sub);
  return {
    user: claims ? { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null } : null,
    budgetWarning: session ? await budgetWarning(fetch, session.access_token) : null,
    theme: themeCookie(cookies) ?? DEFAULT_THEME,
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

/** First signed-in page of this user on this device: take the theme saved in the profile. */
async function adoptProfileTheme(fetchImpl: typeof fetch, token: string, cookies: Cookies, url: URL, userId: string) {
  try {
    const me = await ok(createApi(fetchImpl, functionsBase(), apiHeaders(token)).GET('/api/me'));
    const theme = Theme.safeParse(me.preferences.theme);
    // Remember "no choice" too, so later pages skip this call.
    rememberTheme(cookies, theme.success ? theme.data : DEFAULT_THEME, url, userId);
  } catch {
    // The theme is a comfort: never fail a page over it.
  }
}
