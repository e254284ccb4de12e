// Per-request setup only: a Supabase server client bound to the request's cookies and a
// safeGetSession that trusts the cookie session only after its JWT has been verified.
import type { Handle } from '@sveltejs/kit';
import { createSupabaseServerClient } from '$lib/server/supabase';

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.supabase = createSupabaseServerClient(event.cookies);

  event.locals.safeGetSession = async () => {
    // getClaims refreshes a nearly expired session first, then verifies the access token
    // (ES256 locally against the JWKS, else via the auth server).
    const { data, error } = await event.locals.supabase.auth.getClaims();
    if (error || !data) return { session: null, claims: null };
    const {
      data: { session },
    } = await event.locals.supabase.auth.getSession();
    return { session, claims: data.claims };
  };

  return resolve(event);
};
