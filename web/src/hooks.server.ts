// Per-request setup only: a Supabase server client bound to the request's cookies and a
// safeGetSession that trusts the cookie session only after its JWT has been verified.
import type { Handle } from '@sveltejs/kit';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createSupabaseServerClient } from '$lib/server/supabase';

/**
 * getClaims refreshes a nearly expired session first, then verifies the access token (ES256
 * locally against the JWKS, else via the auth server). Only then is the cookie session used.
 */
async function verifySession(supabase: SupabaseClient) {
  const { data, error } = await supabase.auth.getClaims();
  if (error || !data) return { session: null, claims: null };
  const {
    data: { session },
  } = await supabase.auth.getSession();
  return { session, claims: data.claims };
}

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.supabase = createSupabaseServerClient(event.cookies);

  // Layout, page and proxy may all ask; verify once per request.
  let verified: ReturnType<App.Locals['safeGetSession']> | undefined;
  event.locals.safeGetSession = () => (verified ??= verifySession(event.locals.supabase));

  return resolve(event);
};
