// The browser's Supabase client, used only for Realtime. The session lives in httpOnly
// cookies the page cannot read; the client gets the current access token from the web
// server (/auth/token) through supabase-js's `accessToken` option, which Realtime calls
// when it joins and refreshes its token. One instance per tab.
//
// The cached token serves only the person the page shows (the root layout's `user`). A session
// that ends elsewhere sends the tab to /login by a client-side navigation, and the next person
// signs in in the same document: the module state lives on, and without this check their
// Realtime joins and Storage calls went out with the last person's token until it expired.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { page } from '$app/state';
import { env } from '$env/dynamic/public';

let client: SupabaseClient | undefined;
let cached: { token: string; user: string | null; refreshAt: number } | null = null;
let pending: Promise<string | null> | null = null;

/** Whose token it is (its `sub`), read without checking the signature: the server checks it;
 * this only tells whose it is. */
function tokenSubject(token: string): string | null {
  try {
    const payload: unknown = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload === 'object' && payload !== null && 'sub' in payload && typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

/** The cached token, if it is still fresh and belongs to the person the page shows. */
function usable(): string | null {
  if (!cached || cached.user !== (page.data.user?.id ?? null)) return null;
  return Date.now() < cached.refreshAt ? cached.token : null;
}

/** The current access token (cached until a minute before it expires), or null when signed out. */
export async function accessToken(): Promise<string | null> {
  const fresh = usable();
  if (fresh) return fresh;
  pending ??= (async () => {
    try {
      const res = await fetch('/auth/token', { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) return (cached = null);
      const body: { access_token?: unknown; expires_at?: unknown } = await res.json();
      if (typeof body.access_token !== 'string') return (cached = null);
      const expiresAt = typeof body.expires_at === 'number' ? body.expires_at * 1000 : Date.now() + 5 * 60_000;
      cached = { token: body.access_token, user: tokenSubject(body.access_token), refreshAt: Math.max(Date.now() + 10_000, expiresAt - 60_000) };
      return cached.token;
    } catch {
      // Offline: the token in hand, if it is this person's (Realtime retries with it).
      return cached && cached.user === (page.data.user?.id ?? null) ? cached.token : null;
    } finally {
      pending = null;
    }
  })();
  return await pending;
}

/**
 * Forgets the cached token once the session's level has changed: a second factor just used
 * (turned on, or entered at sign-in) gives an aal2 token, and an account with a factor reaches
 * nothing over Realtime or Storage with its old aal1 one (the tables' restrictive policies).
 */
export function forgetAccessToken(): void {
  cached = null;
}

/** The token accessToken() last fetched, if still fresh — for work that cannot wait (a page being closed). */
export function cachedAccessToken(): string | null {
  return usable();
}

export function browserSupabase(): SupabaseClient {
  client ??= createClient(env.PUBLIC_SUPABASE_URL ?? '', env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? '', {
    accessToken: accessToken,
    // Heartbeats from a Web Worker, so a tab in the background keeps its socket (static/realtime-heartbeat.js).
    realtime: { worker: typeof Worker !== 'undefined', workerUrl: '/realtime-heartbeat.js' },
  });
  return client;
}

/** Makes sure Realtime joins with the user's token (RLS decides which changes arrive). */
export async function realtimeReady(): Promise<SupabaseClient> {
  const supabase = browserSupabase();
  const token = await accessToken();
  if (token) await supabase.realtime.setAuth(token);
  return supabase;
}
