// Per-request setup: a Supabase server client bound to the request's cookies, a
// safeGetSession that trusts the cookie session only after its JWT has been verified, and
// the run-time part of the Content-Security-Policy. At start-up (init) only a warning when
// SUPABASE_SECRET_KEY is missing.
import { redirect, type Handle, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import { isAuthRetryableFetchError, type SupabaseClient, type User } from '@supabase/supabase-js';
import { publicEnv, warnIfNoSecretKey } from '$lib/server/env';
import { createSupabaseServerClient } from '$lib/server/supabase';
import { themedPage } from '$lib/server/theme';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { REVOKED_SESSION_CODES } from '$lib/server/signed-out';

/**
 * getClaims refreshes a nearly expired session first, then verifies the access token (ES256
 * locally against the JWKS, else via the auth server). Only then is the cookie session used.
 */
async function verifySession(supabase: SupabaseClient, locals: App.Locals) {
  const { data, error } = await supabase.auth.getClaims();
  // Auth deleted the session (another device changed the password…): the sign-in page says so.
  if (error?.code && REVOKED_SESSION_CODES.has(error.code)) locals.sessionRevoked = true;
  // Auth could not be reached to refresh it: the person may well still be signed in.
  if (error && isAuthRetryableFetchError(error)) locals.sessionUnknown = true;
  if (error || !data) return { session: null, claims: null };
  const {
    data: { session },
  } = await supabase.auth.getSession();
  return { session, claims: data.claims };
}

/** kit.csp writes connect-src 'self'; the browser also opens Realtime's WebSocket to Supabase. */
function withSupabaseConnectSrc(policy: string): string {
  const api = new URL(publicEnv().PUBLIC_SUPABASE_URL);
  const ws = `${api.protocol === 'https:' ? 'wss' : 'ws'}://${api.host}`;
  return policy.replace(/connect-src 'self'/, `connect-src 'self' ${api.origin} ${ws}`);
}

const isReadOnly = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/** What may be posted before the second factor: signing in (password, code, reset mail) and out. */
const BEFORE_SECOND_FACTOR = /^\/(login|logout|auth)(\/|$)/;

/**
 * A password alone does not open an account that has an authenticator app: the root layout
 * sends such a session's pages to /login/mfa, but form actions run without that load, so every
 * write to a page is refused here too (not left to Auth or the API to refuse: "Sign out of other
 * devices" was answered at aal1). The /api proxy is left to the API, which refuses aal1 itself.
 */
async function refuseBeforeSecondFactor(event: RequestEvent): Promise<void> {
  if (isReadOnly(event.request.method)) return;
  const path = event.url.pathname;
  if (BEFORE_SECOND_FACTOR.test(path) || isApiPath(path)) return;
  const { session } = await event.locals.safeGetSession();
  // Thrown from the hook, SvelteKit answers it as a form action's redirect (use:enhance) or a 303.
  if (session && (await needsSecondFactor(event.locals.supabase))) redirect(303, `/login/mfa?next=${encodeURIComponent(path)}`);
}

/** Once, when the server starts. */
export const init: ServerInit = () => warnIfNoSecretKey();

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.supabase = createSupabaseServerClient(event.cookies);

  // Layout, page and proxy may all ask; verify once per request.
  let verified: ReturnType<App.Locals['safeGetSession']> | undefined;
  event.locals.safeGetSession = () => (verified ??= verifySession(event.locals.supabase, event.locals));
  // The layout (the address it shows) and a page (settings: the address, its factors) both want
  // the user as Auth has them: one GET /auth/v1/user per page load. A form action changes the
  // user (an email change, a factor added) before the page's load runs again in the same
  // request, so a write asks Auth each time instead of sharing an answer from before it.
  let authUser: Promise<User | null> | undefined;
  const readUser = () => event.locals.supabase.auth.getUser().then(({ data }) => data.user, () => null);
  event.locals.authUser = isReadOnly(event.request.method) ? () => (authUser ??= readUser()) : readUser;

  await refuseBeforeSecondFactor(event);

  const response = await resolve(event, { transformPageChunk: themedPage(event.cookies) });
  try {
    // The app's own policy (kit.csp) only: a proxied API page (/api/docs) keeps the one it came with.
    const policy = response.headers.get('content-security-policy');
    if (policy && !isApiPath(event.url.pathname)) response.headers.set('content-security-policy', withSupabaseConnectSrc(policy));
    response.headers.set('x-content-type-options', 'nosniff');
    // A page may ask for a stricter policy (the share and invitation links: same-origin).
    if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
    // Every page and its data (__data.json) is rendered for whoever is signed in: no browser or
    // shared cache may keep it, and `no-store` also keeps it out of the back/forward cache, so
    // after signing out the back button asks the server again (which asks for a sign-in).
    // Built files and static assets are served before this hook and keep their own headers.
    if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
  } catch {
    // Immutable headers (a fetched response passed through unchanged): leave them as they are.
  }
  return response;
};
