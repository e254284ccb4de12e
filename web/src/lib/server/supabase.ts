// The @supabase/ssr server client. Environment is read at run time ($env/dynamic/public) so
// one build works against the local stack or hosted Supabase.
import { createServerClient } from '@supabase/ssr';
import { createClient } from '@supabase/supabase-js';
import type { Cookies } from '@sveltejs/kit';
import { isIP } from 'node:net';
import WebSocket from 'ws';
import { publicEnv, secretKey, serverSupabaseUrl } from '$lib/server/env';

interface ClientOptions {
  /**
   * The browser's address, for sign-in and sign-up. This server makes those calls for
   * everyone, so Auth would otherwise rate-limit all users as one address. With
   * SUPABASE_SECRET_KEY set, the call carries `Sb-Forwarded-For` — Supabase Auth's "IP
   * address forwarding", which trusts it only with a secret key
   * (https://supabase.com/docs/guides/auth/rate-limits).
   */
  clientAddress?: string;
}

/**
 * The key and headers of an Auth call made for the browser at `clientAddress` (see
 * ClientOptions): the secret key with `Sb-Forwarded-For` when both are there, else the
 * publishable key.
 */
export function forAddress(clientAddress?: string): { url: string; key: string; global: { headers?: Record<string, string> } } {
  const env = publicEnv();
  const secret = secretKey();
  const forward = clientAddress && secret && isIP(clientAddress) ? clientAddress : null;
  return forward
    ? { url: serverSupabaseUrl(), key: secret!, global: { headers: { 'Sb-Forwarded-For': forward } } }
    : { url: serverSupabaseUrl(), key: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, global: {} };
}

export function createSupabaseServerClient(cookies: Cookies, options: ClientOptions = {}) {
  const { url, key, global } = forAddress(options.clientAddress);
  return createServerClient(url, key, {
    cookies: {
      getAll: () => cookies.getAll(),
      // httpOnly: the session (refresh token included) is never readable by page scripts;
      // the browser gets only a short-lived access token for Realtime (routes/auth/token).
      setAll: (toSet) => {
        for (const { name, value, options } of toSet) cookies.set(name, value, { ...options, path: '/', httpOnly: true, sameSite: 'lax' });
      },
    },
    global,
    // Node 20 has no global WebSocket; the server never subscribes, but the client insists.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}

/**
 * A client that keeps its session to itself: nothing is read from or written to the browser's
 * cookies. For an Auth call whose session must not replace the signed-in one before the person
 * has chosen (an email link for another account: routes/auth/confirm).
 */
export function createDetachedSupabaseClient(options: ClientOptions = {}) {
  const { url, key, global } = forAddress(options.clientAddress);
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global,
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
