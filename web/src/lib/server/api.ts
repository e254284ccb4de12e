// The API client for server loads and actions: calls the function directly with the
// verified session's access token.
import { error, redirect, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { createApi, type Api } from '$lib/api';
import { publicEnv, serverSupabaseUrl } from '$lib/server/env';
import { markSignedOutElsewhere, signInUrl } from '$lib/server/signed-out';

/** Where the function is served; its own paths (and the generated client's) start with /api. */
export function functionsBase(): string {
  return `${serverSupabaseUrl()}/functions/v1`;
}

/** Base URL of the API function; the gateway strips /functions/v1 so it sees /api/... */
export function apiBase(): string {
  return `${functionsBase()}/api`;
}

export function apiHeaders(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}`, apikey: publicEnv().PUBLIC_SUPABASE_PUBLISHABLE_KEY };
}

/**
 * An API client for the signed-in user; redirects to /login when there is no valid session,
 * or when the API says this session was signed out (on another device, by a password change):
 * its token still verifies until it expires, so the cookies are cleared here first. A session
 * the API refuses until its second factor is entered (403 `insufficient_aal`) goes to the code
 * step, and from there back to this page, instead of an error page.
 */
export async function requireApi(event: Pick<RequestEvent, 'locals' | 'fetch' | 'url' | 'cookies'>): Promise<Api> {
  const { session } = await event.locals.safeGetSession();
  if (!session) redirect(303, signInUrl(event, event.url.pathname));
  const fetchSignedIn: typeof fetch = async (input, init) => {
    const response = await event.fetch(input, init);
    const code = await apiErrorCode(response);
    if (response.status === 401 && code === 'session_ended') {
      await endLocalSession(event.locals, event.cookies);
      redirect(303, signInUrl(event, event.url.pathname));
    }
    if (response.status === 403 && code === 'insufficient_aal') redirect(303, secondFactorStep(event.url));
    return response;
  };
  return createApi(fetchSignedIn, functionsBase(), apiHeaders(session.access_token));
}

/** The code step, then back to this page (a form action's `?/name` left out: it is not a page). */
export function secondFactorStep(url: URL): string {
  const query = new URLSearchParams([...url.searchParams].filter(([name]) => !name.startsWith('/'))).toString();
  return `/login/mfa?next=${encodeURIComponent(url.pathname + (query ? `?${query}` : ''))}`;
}

/** The `error.code` of a failed API answer (read from a copy: the caller still reads the body). */
async function apiErrorCode(response: Response): Promise<string | undefined> {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const body = await response.clone().json().catch(() => null);
  return typeof body?.error?.code === 'string' ? body.error.code : undefined;
}

/** True for the API's 401 `session_ended`: the token's session has been signed out. */
export async function isSessionEnded(response: Response): Promise<boolean> {
  return response.status === 401 && (await apiErrorCode(response)) === 'session_ended';
}

/** Forgets this browser's signed-out session (its cookies); Auth has already ended it. */
export async function endLocalSession(locals: App.Locals, cookies: Cookies): Promise<void> {
  await locals.supabase.auth.signOut({ scope: 'local' }).catch(() => {});
  // Ended elsewhere: the sign-in page this browser is sent to next says so (lib/server/signed-out.ts).
  markSignedOutElsewhere(cookies);
}

/**
 * Turns an API failure inside a load into a SvelteKit error page with the API's message; a 404
 * says `notFound` when given (the API's "Session not found" names a table, not what people see).
 */
export function loadFailed(err: unknown, notFound?: string): never {
  if (err && typeof err === 'object' && 'status' in err && typeof err.status === 'number' && err.status >= 400) {
    if (err.status === 404 && notFound) error(404, { message: notFound });
    const message = err instanceof Error ? err.message : 'Request failed';
    error(err.status >= 500 ? 502 : err.status, { message });
  }
  throw err;
}
