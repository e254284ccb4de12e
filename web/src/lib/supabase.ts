// The browser's Supabase client, used only for Realtime (auth happens in server actions and
// lands in cookies this client reads). One instance per tab.
import { createBrowserClient } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import { env } from '$env/dynamic/public';

let client: SupabaseClient | undefined;

export function browserSupabase(): SupabaseClient {
  client ??= createBrowserClient(env.PUBLIC_SUPABASE_URL ?? '', env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? '');
  return client;
}

/** Makes sure Realtime joins with the user's token (RLS decides which changes arrive). */
export async function realtimeReady(): Promise<SupabaseClient> {
  const supabase = browserSupabase();
  const { data } = await supabase.auth.getSession();
  if (data.session) await supabase.realtime.setAuth(data.session.access_token);
  return supabase;
}
