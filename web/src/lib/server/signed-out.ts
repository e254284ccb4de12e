// Why a session ended, for the sign-in page it is sent to. A session another device ended (a
// new password, two-factor sign-in turned on, "Sign out of other devices": Auth deletes the
// other sessions) used to land on a bare sign-in form, and the person could not tell a revoked
// session from a time-out or an attack (QA6 #11). Two ways it is found: the API refuses the
// still-valid access token (401 session_ended) — in a page's load, or in the /api proxy, whose
// next page load redirects, so a short-lived cookie carries it there —, or refreshing the
// expired token fails because Auth no longer has the session (session_not_found,
// refresh_token_not_found: supabase/auth internal/api/token.go RefreshTokenGrant).
import type { Cookies } from '@sveltejs/kit';
import { withLinkMessage } from '$lib/link-messages';

// Two cookies, not one with two values: a request of another tab that was already on its way
// with the session when this browser signed out is refused as ended, and its answer's cookie must
// not overwrite the sign-out's own mark (one cookie did: the other tab's sign-in page then said
// the session was ended on another device).
const ELSEWHERE = 'mp-signed-out';
const HERE = 'mp-signed-out-here';

/** Auth's answers to a refresh of a session it has deleted. */
export const REVOKED_SESSION_CODES: ReadonlySet<string> = new Set(['session_not_found', 'refresh_token_not_found']);

const OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 300 } as const;

/** The next sign-in page says the session was ended elsewhere — unless this browser signed out itself. */
export function markSignedOutElsewhere(cookies: Cookies): void {
  if (!cookies.get(HERE)) cookies.set(ELSEWHERE, 'elsewhere', OPTIONS);
}

/**
 * This browser's own "Sign out": its other tabs' requests that still carry the session, refused
 * as ended (401 session_ended), must not be told it ended on another device.
 */
export function markSignedOutHere(cookies: Cookies): void {
  cookies.set(HERE, '1', OPTIONS);
  cookies.delete(ELSEWHERE, { path: '/' });
}

/** The sign-in page for `path`, with the notice when this session was ended elsewhere (said once). */
export function signInUrl(event: { locals: App.Locals; cookies: Cookies }, path: string): string {
  const base = `/login?next=${encodeURIComponent(path)}`;
  const marked = event.cookies.get(ELSEWHERE);
  if (marked) event.cookies.delete(ELSEWHERE, { path: '/' });
  // Signed out here: no notice for five minutes (the mark's life), not even for a later session then ended elsewhere.
  if (event.cookies.get(HERE)) return base;
  const elsewhere = event.locals.sessionRevoked === true || marked === 'elsewhere';
  return elsewhere ? withLinkMessage(base, { notice: 'signed_out_elsewhere' }) : base;
}

/** Whether this browser signed itself out in the last minutes: a notice that another device did is then not shown. */
export function signedOutHere(cookies: Cookies): boolean {
  return Boolean(cookies.get(HERE));
}
