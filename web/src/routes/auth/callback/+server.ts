// Where auth emails and external sign-ins come back (PKCE): /auth/v1/verify or /callback
// redirect here with ?code=, which is exchanged for a session using the code verifier the
// server client kept in a cookie when the flow started. Errors come back as ?error_description=.
import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/server/safe-next';
import { needsSecondFactor } from '$lib/server/auth-providers';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  const next = safeNext(url.searchParams.get('next'), url.origin);
  const failure = url.searchParams.get('error_description');
  const message = url.searchParams.get('message');
  // The first of two email-change confirmations: nothing to exchange yet, just say so.
  if (message) {
    const { session } = await locals.safeGetSession();
    const target = new URL(session ? next : '/login', url.origin);
    target.searchParams.set('notice', message);
    redirect(303, `${target.pathname}${target.search}`);
  }
  const code = url.searchParams.get('code');
  if (failure || !code) {
    redirect(303, `/login?error=${encodeURIComponent(failure ?? 'The sign-in link is invalid or has expired')}`);
  }
  const { error } = await locals.supabase.auth.exchangeCodeForSession(code);
  if (error) redirect(303, `/login?error=${encodeURIComponent('The sign-in link is invalid, was already used or has expired; ask for a new one')}`);
  if (await needsSecondFactor(locals.supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(next)}`);
  redirect(303, next);
};
