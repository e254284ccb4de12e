// The API client for server loads and actions: calls the function directly with the
// verified session's access token.
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { createApi, type Api } from '$lib/api';
import { publicEnv } from '$lib/server/env';

/** Where the function is served; its own paths (and the generated client's) start with /api. */
export function functionsBase(): string {
  return `${publicEnv().PUBLIC_SUPABASE_URL}/functions/v1`;
}

/** Base URL of the API function; the gateway strips /functions/v1 so it sees /api/... */
export function apiBase(): string {
  return `${functionsBase()}/api`;
}

export function apiHeaders(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}`, apikey: publicEnv().PUBLIC_SUPABASE_PUBLISHABLE_KEY };
}

/** An API client for the signed-in user; redirects to /login when there is no valid session. */
export async function requireApi(event: Pick<RequestEvent, 'locals' | 'fetch' | 'url'>): Promise<Api> {
  const { session } = await event.locals.safeGetSession();
  if (!session) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname)}`);
  return createApi(event.fetch, functionsBase(), apiHeaders(session.access_token));
}

/** Turns an API failure inside a load into a SvelteKit error page with the API's message. */
export function loadFailed(err: unknown): never {
  if (err && typeof err === 'object' && 'status' in err && typeof err.status === 'number' && err.status >= 400) {
    const message = err instanceof Error ? err.message : 'Request failed';
    error(err.status >= 500 ? 502 : err.status, { message });
  }
  throw err;
}
