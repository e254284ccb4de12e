// The API as a signed-out visitor's pages call it (a shared chat, a public prompt). This server
// asks for every visitor, and the API counts signed-out reads per client address, so with
// SUPABASE_SECRET_KEY set the call vouches for the browser's address (`Sb-Forwarded-For` with
// the secret key, as for sign-in): each visitor is counted, not this server for all of them.
import { error, type RequestEvent } from '@sveltejs/kit';
import { ApiError, createApi, type Api } from '$lib/api';
import { busyNetworkMessage, waitSeconds } from '$lib/busy-network';
import { functionsBase } from '$lib/server/api';
import { clientAddress } from '$lib/server/client-address';
import { forAddress } from '$lib/server/supabase';

export type VisitorEvent = Pick<RequestEvent, 'fetch' | 'getClientAddress' | 'platform' | 'request'>;

export function visitorApi(event: VisitorEvent): Api {
  const { key, global } = forAddress(clientAddress(event));
  return createApi(event.fetch, functionsBase(), { apikey: key, ...global.headers });
}

/**
 * The API's 429 for too many reads from this visitor's address, as the page's own 429, saying
 * when to try again (the error page offers that, not signing in: it would not help).
 */
export function refuseIfRateLimited(err: unknown): void {
  if (err instanceof ApiError && err.status === 429) {
    error(429, { message: busyNetworkMessage(waitSeconds(err.details.retry_after_seconds)), code: 'rate_limited' });
  }
}
