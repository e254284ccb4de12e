// Every page needs to know who (if anyone) is signed in, and whether their monthly budget
// is nearly or fully used (the banner), and the colour theme — nothing else from here.
import { ApiError, createApi, ok, type Budget } from '$lib/api';
import { apiHeaders, functionsBase, secondFactorStep } from '$lib/server/api';
import { DEFAULT_THEME, followProfileTheme, Theme, themeCookie } from '$lib/server/theme';
import { redirect, type Cookies } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/** Pages an account with an unused second factor may still open. */
const BEFORE_SECOND_FACTOR = /^\/(login|logout|auth|reset-password|s\/)/;

export const load: LayoutServerLoad = async ({ locals, fetch, cookies, url }) => {
  const { session, claims } = await locals.safeGetSession();
  // Read on every load, so the load runs again on every navigation (the budget and theme follow).
  const codeStepFirst = !BEFORE_SECOND_FACTOR.test(url.pathname);
  const [summary, email] = session && claims
    ? await Promise.all([readSummary(fetch, session.access_token, cookies, url, claims.sub), currentEmail(locals, claims.email)])
    : [null, null];
  // A password alone does not open an account that has an authenticator app: the API refuses
  // such a session (403 insufficient_aal, the database's own rule), so its pages go to the code
  // step. Asked of the API, not of the session cookie: the cookie's copy of the user shows no
  // factor when this browser signed in before the app was turned on elsewhere.
  if (summary?.secondFactorOwed && codeStepFirst) redirect(303, secondFactorStep(url));
  const budget = summary?.budget;
  return {
    user: claims ? { id: claims.sub, email } : null,
    // Nobody shown because Auth could not be asked: what this browser keeps for the person stays ($lib/left-behind).
    sessionUnknown: locals.sessionUnknown === true,
    // The banner shows from 80 % (+layout.svelte), and follows answers that end (lib/budget-follow.ts) while a budget is set.
    budget: budget ?? null,
    theme: themeCookie(cookies) ?? DEFAULT_THEME,
  };
};

/**
 * The address the account signs in with now, from Auth (GET /user), beside the summary so the
 * page waits for no extra round trip. Not the access token's `email` claim: after an email
 * change confirmed on another device the token names the old address until it is refreshed, up
 * to an hour (QA6 #10). If Auth does not answer, the claim is the best there is.
 */
async function currentEmail(locals: App.Locals, claimed: unknown): Promise<string | null> {
  const user = await locals.authUser();
  if (user?.email) return user.email;
  return typeof claimed === 'string' ? claimed : null;
}

/**
 * The budget (for the banner from 80 %) and the profile's theme, in one read: the theme cookie
 * follows the profile, so a theme chosen on another device shows on this one's next page.
 * A failure to read them never breaks a page: no banner, and the theme this device had; the
 * API's refusal of a session that still owes its second factor is reported.
 */
async function readSummary(fetchImpl: typeof fetch, token: string, cookies: Cookies, url: URL, userId: string): Promise<{ budget: Budget | null; secondFactorOwed: boolean }> {
  try {
    const summary = await ok(createApi(fetchImpl, functionsBase(), apiHeaders(token)).GET('/api/me/summary'));
    followProfileTheme(cookies, Theme.catch(DEFAULT_THEME).parse(summary.theme), url, userId);
    return { budget: summary.budget, secondFactorOwed: false };
  } catch (err) {
    return { budget: null, secondFactorOwed: err instanceof ApiError && err.code === 'insufficient_aal' };
  }
}
