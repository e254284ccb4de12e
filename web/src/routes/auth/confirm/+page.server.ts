// Where the app's auth emails link to (supabase/templates): /auth/confirm?token_hash=…&type=…&next=…
// Supabase's server-side pattern (https://supabase.com/docs/guides/auth/server-side/sveltekit,
// "Set up the confirm route"): the server verifies the link's token hash with auth.verifyOtp,
// which needs no PKCE code verifier, so the link works in whichever browser opens it — the
// phone's mail app as well as the browser that asked for it.
//
// Opening the page uses nothing up: the link works once, and mail scanners (Safe Links and the
// like) fetch the links in a mail before the person does. The page asks for a click, which
// posts the token hash (https://supabase.com/docs/guides/auth/auth-email-templates, "Email
// prefetching"). A refused token is used, replaced by a newer mail (Auth keeps one recovery
// token per person: supabase/auth internal/models/one_time_token.go CreateOneTimeToken) or too
// old; Auth does not say which, nor does the page.
//
// A link can be someone else's: a signed-in person who presses the button on a link mailed to
// another account (forwarded, or sent on purpose — QA 3 #3) was quietly signed in to that
// account, and what they did next (an API key saved, a chat) went into it. So, when someone is
// signed in, the page names them and says the link may be for another account; the button
// verifies the token with a client that does not write the session cookies, and a link for
// another account asks a second question, naming both ("Continue as …" / "Stay signed in as
// …"), before its session replaces the signed-in one. The token works once and only verifying
// it tells whose it is, so the verified session waits for that answer sealed in a short-lived
// httpOnly cookie ($lib/server/pending-switch.ts), never in the page or its address. "Stay"
// ends the link's session at Auth (POST /logout, scope local). A signed-out visitor's link is
// still one click, and the person's own link replaces their session as it always did.

import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { AuthError } from '@supabase/supabase-js';
import { z } from 'zod';
import { withLinkMessage } from '$lib/link-messages';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { dropPendingSwitch, hasPendingSwitch, keepPendingSwitch, readPendingSwitch, type PendingSwitch } from '$lib/server/pending-switch';
import { clientAddress } from '$lib/server/client-address';
import { safeNext } from '$lib/server/safe-next';
import { createDetachedSupabaseClient, createSupabaseServerClient } from '$lib/server/supabase';
import type { Actions, PageServerLoad } from './$types';

/** verifyOtp's email link types (auth-js EmailOtpType); the templates send email, recovery, invite and email_change. */
const LINK_TYPES = ['email', 'recovery', 'invite', 'email_change', 'signup', 'magiclink'] as const;
type LinkType = (typeof LINK_TYPES)[number];

const link = z.object({
  // GoTrue's is hex sha224, `pkce_`-prefixed in a PKCE flow; anything of that alphabet is passed on.
  token_hash: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/),
  type: z.enum(LINK_TYPES),
  next: z.string().nullish(),
});

/** Where each kind of link goes when it names no `next`. */
const DEFAULT_NEXT: Record<LinkType, string> = {
  email: '/chat', signup: '/chat', magiclink: '/chat', recovery: '/reset-password', invite: '/reset-password', email_change: '/settings/security',
};

const RETRY = 'Could not check the link just now; it was not used. Press the button again in a moment.';
const TOO_MANY = 'Too many links were tried from here; the link was not used. Wait a few minutes, then press the button again.';
const RETRY_CHOICE = 'Could not finish just now. Press the button again in a moment.';
const EXPIRED_CHOICE = 'This question has expired (it waits five minutes), so you are still signed in as before. To use the other account, ask for a new link.';
const SOMEONE_ELSE = 'Someone else signed in on this browser meanwhile, so the link was not used. To use it, ask for a new link.';

/** The address an account is shown by (an email link's account always has one). */
const shownAs = (email: unknown, fallback: string) => (typeof email === 'string' && email ? email : fallback);

export const load: PageServerLoad = async ({ url, setHeaders, locals, cookies }) => {
  // The address holds the token: keep it out of any Referer.
  setHeaders({ 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' });
  const input = link.safeParse(Object.fromEntries(url.searchParams));
  if (!input.success) {
    // The second step: /auth/confirm without a link, and the sealed answer of the first.
    const pending = readPendingSwitch(cookies);
    if (pending) return { link: null, choice: { type: pending.type, from: pending.from.email, to: pending.to.email }, expired: false, signedInAs: null };
    return { link: null, choice: null, expired: hasPendingSwitch(cookies) && url.searchParams.size === 0, signedInAs: null };
  }
  const { claims } = await locals.safeGetSession();
  return {
    link: { tokenHash: input.data.token_hash, type: input.data.type, next: input.data.next ?? '' },
    choice: null,
    expired: false,
    signedInAs: claims ? shownAs(claims.email, 'your account') : null,
  };
};

/** The answer to a token Auth refused (`never` when it redirects). */
function refused(error: AuthError, type: LinkType) {
  if (error.status === 429) return fail(429, { error: TOO_MANY });
  if (!error.status || error.status >= 500) return fail(503, { error: RETRY });
  const message = error.code === 'otp_expired' ? 'link_expired' : 'link_invalid';
  // A person whose reset link failed wants a new one: the page that sends it says why.
  redirect(303, withLinkMessage(type === 'recovery' ? '/login/forgot' : '/login', { error: message }));
}

/** Ends a session at Auth (POST /logout?scope=local with its own access token); a failure leaves it to expire. */
async function endSession(accessToken: string): Promise<void> {
  await createDetachedSupabaseClient().auth.admin.signOut(accessToken, 'local').catch(() => undefined);
}

/** Signed in now through `locals.supabase` (its cookies): on to the second factor if the account has one, else to `next`. */
async function goOn(locals: App.Locals, next: string): Promise<never> {
  if (await needsSecondFactor(locals.supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(next)}`);
  redirect(303, next);
}

/** The second step's answer: sign in to the link's account, or stay and end the link's session. */
async function choose({ cookies, locals }: RequestEvent, answer: 'switch' | 'stay') {
  const pending: PendingSwitch | null = readPendingSwitch(cookies);
  if (!pending) {
    dropPendingSwitch(cookies);
    return fail(410, { error: EXPIRED_CHOICE, ended: true });
  }
  const { session: current } = await locals.safeGetSession();
  // The question was put to the person signed in then; signed out since, there is no one to replace.
  if (current && current.user.id !== pending.from.id) {
    dropPendingSwitch(cookies);
    await endSession(pending.accessToken);
    return fail(409, { error: SOMEONE_ELSE, ended: true });
  }
  if (answer === 'stay') {
    dropPendingSwitch(cookies);
    await endSession(pending.accessToken);
    redirect(303, current ? '/chat' : '/login');
  }
  const { error } = await locals.supabase.auth.setSession({ access_token: pending.accessToken, refresh_token: pending.refreshToken });
  if (error) {
    // Auth did not answer: the sealed session is kept for another press.
    if (!error.status || error.status >= 500) return fail(503, { error: RETRY_CHOICE });
    dropPendingSwitch(cookies);
    redirect(303, withLinkMessage(pending.type === 'recovery' ? '/login/forgot' : '/login', { error: 'link_expired' }));
  }
  dropPendingSwitch(cookies);
  // The account this browser leaves is signed out here, as "Sign out" would.
  if (current) await endSession(current.access_token);
  return goOn(locals, pending.next);
}

export const actions: Actions = {
  default: async (event) => {
    const { request, cookies, url, locals } = event;
    const form = Object.fromEntries(await request.formData());
    if (form.choice === 'switch' || form.choice === 'stay') return choose(event, form.choice);
    const input = link.safeParse(form);
    if (!input.success) return fail(400, { error: 'This link is incomplete. Open it from the email again, or copy all of it.' });
    const { token_hash, type } = input.data;
    const after = input.data.next ? safeNext(input.data.next, url.origin) : DEFAULT_NEXT[type];
    // The link that completes an email change says so (the first of the two says it is half done).
    const next = type === 'email_change' ? withLinkMessage(after, { notice: 'email_changed' }) : after;
    const { session: current, claims } = await locals.safeGetSession();

    if (!current) {
      // Signed out: nobody to replace, one click as before.
      // With the browser's address, so Auth's per-address /verify limit counts this person, not the server.
      const supabase = createSupabaseServerClient(cookies, { clientAddress: clientAddress(event) });
      const { data, error } = await supabase.auth.verifyOtp({ token_hash, type });
      if (error) return refused(error, type);
      // The first of two confirmations of a secure email change: no session comes with it.
      if (!data.session) redirect(303, withLinkMessage('/login', { notice: 'email_half_confirmed' }));
      if (await needsSecondFactor(supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(next)}`);
      redirect(303, next);
    }

    // Signed in: the link's session is held apart from the cookies until it is known to be this person's.
    const verifier = createDetachedSupabaseClient({ clientAddress: clientAddress(event) });
    const { data, error } = await verifier.auth.verifyOtp({ token_hash, type });
    if (error) return refused(error, type);
    if (!data.session) redirect(303, withLinkMessage(after, { notice: 'email_half_confirmed' }));
    const { access_token, refresh_token, user } = data.session;
    if (user.id === current.user.id) {
      // This person's own link (a reset, an email change, a sign-in): its session replaces theirs, as before.
      const { error: setError } = await locals.supabase.auth.setSession({ access_token, refresh_token });
      if (setError) return fail(503, { error: RETRY_CHOICE });
      return goOn(locals, next);
    }
    keepPendingSwitch(cookies, {
      accessToken: access_token,
      refreshToken: refresh_token,
      to: { id: user.id, email: shownAs(user.email, 'another account') },
      from: { id: current.user.id, email: shownAs(claims?.email, 'your account') },
      type,
      next,
    }, url);
    redirect(303, '/auth/confirm');
  },
};
