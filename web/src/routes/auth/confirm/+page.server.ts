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
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { withLinkMessage } from '$lib/link-messages';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { safeNext } from '$lib/server/safe-next';
import { createSupabaseServerClient } from '$lib/server/supabase';
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

export const load: PageServerLoad = async ({ url, setHeaders }) => {
  // The address holds the token: keep it out of any Referer.
  setHeaders({ 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' });
  const input = link.safeParse(Object.fromEntries(url.searchParams));
  if (!input.success) return { link: null };
  return { link: { tokenHash: input.data.token_hash, type: input.data.type, next: input.data.next ?? '' } };
};

export const actions: Actions = {
  default: async ({ request, cookies, getClientAddress, url, locals }) => {
    const input = link.safeParse(Object.fromEntries(await request.formData()));
    if (!input.success) return fail(400, { error: 'This link is incomplete. Open it from the email again, or copy all of it.' });
    const { token_hash, type } = input.data;
    const next = input.data.next ? safeNext(input.data.next, url.origin) : DEFAULT_NEXT[type];
    // With the browser's address, so Auth's per-address /verify limit counts this person, not the server.
    const supabase = createSupabaseServerClient(cookies, { clientAddress: getClientAddress() });
    const { data, error } = await supabase.auth.verifyOtp({ token_hash, type });
    if (error) {
      if (error.status === 429) return fail(429, { error: TOO_MANY });
      if (!error.status || error.status >= 500) return fail(503, { error: RETRY });
      const message = error.code === 'otp_expired' ? 'link_expired' : 'link_invalid';
      // A person whose reset link failed wants a new one: the page that sends it says why.
      redirect(303, withLinkMessage(type === 'recovery' ? '/login/forgot' : '/login', { error: message }));
    }
    // The first of two confirmations of a secure email change: no session comes with it.
    if (!data.session) {
      const { session } = await locals.safeGetSession();
      redirect(303, withLinkMessage(session ? next : '/login', { notice: 'email_half_confirmed' }));
    }
    if (await needsSecondFactor(supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(next)}`);
    redirect(303, next);
  },
};
