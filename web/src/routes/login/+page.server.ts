// Sign in and sign up as form actions, so they work without JavaScript and the session
// lands in httpOnly-free @supabase/ssr cookies the browser client can also read.
import { fail, redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/server/safe-next';
import { createSupabaseServerClient } from '$lib/server/supabase';
import { authSettings, needsSecondFactor } from '$lib/server/auth-providers';
import { linkError } from '$lib/link-messages';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { clientAddress } from '$lib/server/client-address';
import { friendlyAuthMessage } from '$lib/server/auth-messages';
import { signedOutHere } from '$lib/server/signed-out';

const credentials = z.object({
  email: z.email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password'),
});

// The name everyone in a group chat sees. Asked here, so no account is named after its address:
// the database names one that arrives without a name "User 4f2a" (private.handle_new_user).
const displayName = z.string().trim().min(1, 'Enter your name').max(100, 'Your name can be at most 100 characters');

/** Only same-site paths, so ?next= can't bounce people to another site. */
function nextOf(url: URL): string {
  return safeNext(url.searchParams.get('next'), url.origin);
}

export const load: PageServerLoad = async ({ locals, url, fetch, cookies }) => {
  const { session } = await locals.safeGetSession();
  if (session) redirect(303, (await needsSecondFactor(locals.supabase)) ? `/login/mfa?next=${encodeURIComponent(nextOf(url))}` : nextOf(url));
  // Another tab's request can race this browser's own sign-out and be told the session ended elsewhere.
  const { providers, signupsOpen } = await authSettings(fetch);
  return { providers, signupsOpen, signedOutHere: signedOutHere(cookies) };
};

function parse(form: FormData) {
  return credentials.safeParse({ email: form.get('email'), password: form.get('password') });
}

export const actions: Actions = {
  signin: async (event) => {
    const { request, cookies, url } = event;
    const form = await request.formData();
    const input = parse(form);
    const email = String(form.get('email') ?? '');
    if (!input.success) return fail(400, { mode: 'signin', email, error: input.error.issues[0].message });
    const supabase = createSupabaseServerClient(cookies, { clientAddress: clientAddress(event) });
    const { error } = await supabase.auth.signInWithPassword(input.data);
    // Not confirmed yet: say where the link went, and offer to send it again (the resend action).
    if (error?.code === 'email_not_confirmed') return fail(400, { mode: 'signin', email, unconfirmed: true, error: `Confirm your email first: we sent a link to ${input.data.email}.` });
    if (error) return fail(400, { mode: 'signin', email, error: error.message });
    // An account with an authenticator app finishes signing in with its code.
    if (await needsSecondFactor(supabase)) redirect(303, `/login/mfa?next=${encodeURIComponent(nextOf(url))}`);
    redirect(303, nextOf(url));
  },
  /**
   * The sign-up confirmation again (auth.resend type signup: Auth's POST /resend, supabase/auth
   * internal/api/resend.go), limited by Auth per address and per browser address as its other
   * mails are. Auth answers the same whether or not the address has an unconfirmed account.
   */
  resend: async (event) => {
    const { request, cookies } = event;
    const form = await request.formData();
    const email = String(form.get('email') ?? '');
    const input = credentials.shape.email.safeParse(email);
    if (!input.success) return fail(400, { mode: 'signin', email, error: input.error.issues[0].message });
    const supabase = createSupabaseServerClient(cookies, { clientAddress: clientAddress(event) });
    const { error } = await supabase.auth.resend({ type: 'signup', email: input.data });
    if (error?.status === 429) return fail(429, { mode: 'signin', email, unconfirmed: true, error: 'Too many emails were requested; wait a little and try again.' });
    if (error) return fail(400, { mode: 'signin', email, unconfirmed: true, error: error.message });
    return { mode: 'signin', email, notice: `We sent the confirmation link to ${input.data} again. Open the newest mail; earlier links no longer work.` };
  },
  signup: async (event) => {
    const { request, cookies, url } = event;
    const form = await request.formData();
    const input = parse(form);
    const email = String(form.get('email') ?? '');
    const name = String(form.get('display_name') ?? '');
    const given = displayName.safeParse(name);
    if (!given.success) return fail(400, { mode: 'signup', email, name, error: given.error.issues[0].message });
    if (!input.success) return fail(400, { mode: 'signup', email, name, error: input.error.issues[0].message });
    const supabase = createSupabaseServerClient(cookies, { clientAddress: clientAddress(event) });
    // user_metadata.display_name is what the profile trigger reads first.
    const { data, error } = await supabase.auth.signUp({ ...input.data, options: { data: { display_name: given.data } } });
    // An instance closed to sign-ups (QA10 #5: Auth's raw "Signups not allowed for this instance").
    if (error?.code === 'signup_disabled') return fail(403, { mode: 'signup', email, name, error: linkError('signup_disabled')! });
    if (error) return fail(400, { mode: 'signup', email, name, error: friendlyAuthMessage(error.message) });
    // With email confirmations on (hosted default) there is no session yet.
    if (!data.session) return { mode: 'signup', email, notice: 'Check your email to confirm your account, then sign in.' };
    redirect(303, nextOf(url));
  },
};
