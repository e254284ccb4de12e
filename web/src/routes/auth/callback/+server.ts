// Where external sign-ins come back (PKCE): Auth's /callback redirects here with ?code=, which
// is exchanged for a session using the code verifier the server client kept in a cookie when
// the flow started. Errors come back as ?error=&error_code=&error_description= (and in the
// fragment, which a redirect keeps and the sign-in page reads): each names its own message. Auth's own email link (/verify,
// GoTrue's stock templates) lands here too; the app's templates link to /auth/confirm instead,
// which needs no verifier, so their links work in any browser.
import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/server/safe-next';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { authErrorCode, authMessageNotice, withLinkMessage } from '$lib/link-messages';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  const next = safeNext(url.searchParams.get('next'), url.origin);
  const failure = url.searchParams.get('error') ?? url.searchParams.get('error_description');
  const message = url.searchParams.get('message');
  // The first of two email-change confirmations: nothing to exchange yet, just say so. Only in
  // the app's words: any page can link here with any `message` (lib/link-messages.ts).
  if (message) {
    const { session } = await locals.safeGetSession();
    const target = session ? next : '/login';
    const notice = authMessageNotice(message);
    redirect(303, notice ? withLinkMessage(target, { notice }) : target);
  }
  const code = url.searchParams.get('code');
  if (failure) redirect(303, withLinkMessage('/login', { error: authErrorCode(url.searchParams.get('error'), url.searchParams.get('error_code')) }));
  if (!code) redirect(303, withLinkMessage('/login', { error: 'link_invalid' }));
  const { error } = await locals.supabase.auth.exchangeCodeForSession(code);
  // No verifier: the flow began in another browser (an email link opened on the phone).
  if (error?.code === 'pkce_code_verifier_not_found') redirect(303, withLinkMessage('/login', { error: 'link_other_browser' }));
  if (error) redirect(303, withLinkMessage('/login', { error: 'link_used' }));
  if (await needsSecondFactor(locals.supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(next)}`);
  redirect(303, next);
};
