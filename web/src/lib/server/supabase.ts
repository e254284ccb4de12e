// The @supabase/ssr server client. Environment is read at run time ($env/dynamic/public) so
// one build works against the local stack or hosted Supabase.
import { createServerClient } from '@supabase/ssr';
import type { Cookies } from '@sveltejs/kit';
import WebSocket from 'ws';
import { publicEnv } from '$lib/server/env';

export function createSupabaseServerClient(cookies: Cookies) {
  const env = publicEnv();
  return createServerClient(env.PUBLIC_SUPABASE_URL, env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
    cookies: {
      getAll: () => cookies.getAll(),
      setAll: (toSet) => {
        for (const { name, value, options } of toSet) cookies.set(name, value, { ...options, path: '/' });
      },
    },
    // Node 20 has no global WebSocket; the server never subscribes, but the client insists.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
