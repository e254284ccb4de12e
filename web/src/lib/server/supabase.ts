// The @supabase/ssr server client. Environment is read at run time ($env/dynamic/public) so
// one build works against the local stack or hosted Supabase.
import { createServerClient } from '@supabase/ssr';
import type { Cookies } from '@sveltejs/kit';
import { isIP } from 'node:net';
import WebSocket from 'ws';
import { publicEnv, secretKey } from '$lib/server/env';

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

export function createSupabaseServerClient(cookies: Cookies, options: ClientOptions = {}) {
  const env = publicEnv();
  const secret = secretKey();
  const forward = options.clientAddress && secret && isIP(options.clientAddress) ? options.clientAddress : null;
  return createServerClient(env.PUBLIC_SUPABASE_URL, forward ? secret! : env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
    cookies: {
      getAll: () => cookies.getAll(),
      // httpOnly: the session (refresh token included) is never readable by page scripts;
      // the browser gets only a short-lived access token for Realtime (routes/auth/token).
      setAll: (toSet) => {
        for (const { name, value, options } of toSet) cookies.set(name, value, { ...options, path: '/', httpOnly: true, sameSite: 'lax' });
      },
    },
    global: forward ? { headers: { 'Sb-Forwarded-For': forward } } : {},
    // Node 20 has no global WebSocket; the server never subscribes, but the client insists.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
