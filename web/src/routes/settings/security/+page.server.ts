// Settings › Security: the sign-in email (changed by confirming mails to both addresses), the
// password (the current one first when there is one, and for a session older than a day a mailed
// code), the authenticator app (TOTP) as a second factor (the current password first, when there
// is one), and signing out of every other device.
import { fail, isRedirect, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { friendlyAuthMessage, refusedCodeMessage } from '$lib/server/auth-messages';
import type { Api } from '$lib/api';
import { clientAddress } from '$lib/server/client-address';
import { loadFailed, requireApi } from '$lib/server/api';
import { hasPassword, newPasswordForm, passwordIsRight } from '$lib/server/password';
import type { Actions, PageServerLoad } from './$types';

const emailForm = z.object({ email: z.email('Enter a valid email address') });
const codeForm = z.object({ factorId: z.uuid(), code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your app') });
const nameForm = z.object({ name: z.string().trim().min(1, 'Name the device, e.g. "Phone"').max(60) });

async function signedIn(locals: App.Locals, path = '/settings/security') {
  const { session } = await locals.safeGetSession();
  if (!session) redirect(303, `/login?next=${encodeURIComponent(path)}`);
  return session;
}

export const load: PageServerLoad = async (event) => {
  const { locals } = event;
  const api = await requireApi(event);
  const passwordSet = await hasPassword(api).catch((err: unknown) => loadFailed(err));
  // The user as Auth has them, asked once for the layout and this page; their factors are what
  // auth-js's listFactors would have read from a GET /auth/v1/user of its own.
  const user = await locals.authUser();
  return {
    email: user?.email ?? '',
    hasPassword: passwordSet,
    pendingEmail: user?.new_email ?? null,
    factors: (user?.factors ?? []).filter((f) => f.factor_type === 'totp').map((f) => ({ id: f.id, name: f.friendly_name ?? '', status: f.status, created_at: f.created_at })),
  };
};

export const actions: Actions = {
  changeEmail: async ({ request, locals, url }) => {
    const session = await signedIn(locals);
    const input = emailForm.safeParse({ email: (await request.formData()).get('email') });
    if (!input.success) return fail(400, { emailError: input.error.issues[0].message });
    // Auth accepts it and sends nothing, so "check your inbox" would have the user wait for no mail.
    if (input.data.email.toLowerCase() === session.user.email?.toLowerCase()) return fail(400, { emailError: 'That is already your sign-in email.' });
    const { error } = await locals.supabase.auth.updateUser(
      { email: input.data.email },
      { emailRedirectTo: `${url.origin}/auth/callback?next=${encodeURIComponent('/settings/security')}` },
    );
    if (error) return fail(error.status === 429 ? 429 : 400, { emailError: error.message });
    return { emailNotice: `Check your inbox at ${input.data.email} and at your current address: follow both links to finish the change.` };
  },
  changePassword: async (event) => {
    const { request, locals } = event;
    const api = await requireApi(event);
    const form = await request.formData();
    const input = newPasswordForm.safeParse({ password: form.get('password'), confirm: form.get('confirm') });
    if (!input.success) return fail(400, { passwordError: input.error.issues[0].message });
    const current = String(form.get('current') ?? '');
    // The address from the verified access token, not the session cookie's copy of the user (a
    // taken cookie's copy could name another account, whose password the taker knows); Auth's own
    // current-password check (on in `npm start`) stands behind this one. An account without a
    // password (single sign-on) chooses its first one without: Auth asks for none then either
    // (GoTrue UserUpdate), and there is none to give.
    const { claims } = await locals.safeGetSession();
    const email = typeof claims?.email === 'string' && claims.email ? claims.email : null;
    const passwordSet = await passwordSetOrNull(api);
    if (passwordSet === null) return fail(502, { passwordError: 'Could not check your account. Reload the page and try again.' });
    if (passwordSet && (!current || !email || !(await passwordIsRight(email, current, clientAddress(event))))) {
      return fail(400, { passwordError: 'Your current password is not right.' });
    }
    // Auth's secure_password_change (supabase/config.toml [auth.email]): a session that signed
    // in more than 24 hours ago sets a password only with the code GET /reauthenticate mails
    // (`reauthentication_needed`, then updateUser({ password, nonce })), so a session taken
    // from this browser cannot lock its owner out. The form keeps what was typed and asks for
    // the code (https://supabase.com/docs/guides/auth/password-security; GoTrue
    // internal/api/user.go UserUpdate).
    const code = String(form.get('code') ?? '').trim();
    if (code && !/^\d{6,10}$/.test(code)) return fail(400, { passwordCode: true, passwordError: 'Enter the code from the email we sent you.' });
    // Auth checks the current password too (GoTrue's "require current password" setting, on
    // for this project: see local/src/config.ts), so a session alone cannot set a password
    // by calling it directly; the check above keeps a project without that setting safe here.
    const { error } = await locals.supabase.auth.updateUser({ password: input.data.password, ...(passwordSet ? { current_password: current } : {}), ...(code ? { nonce: code } : {}) });
    if (error?.code === 'reauthentication_needed') {
      const sent = await locals.supabase.auth.reauthenticate();
      if (sent.error) return fail(sent.error.status === 429 ? 429 : 400, { passwordError: friendlyAuthMessage(sent.error.message) });
      return fail(400, { passwordCode: true, passwordNotice: `To confirm it is you, we emailed a code to ${email ?? 'your sign-in address'}. Enter it below.` });
    }
    if (error?.code === 'current_password_invalid' || error?.code === 'current_password_required') {
      return fail(400, { passwordError: 'Your current password is not right.', ...(code ? { passwordCode: true } : {}) });
    }
    if (error?.code === 'reauthentication_not_valid') {
      return fail(400, { passwordCode: true, passwordError: 'That code is not right or has expired. Enter the latest code we emailed you.' });
    }
    if (error) return fail(error.status === 429 ? 429 : 400, { passwordError: friendlyAuthMessage(error.message), ...(code ? { passwordCode: true } : {}) });
    return { passwordNotice: passwordSet ? 'Password changed. Sign in with the new one from now on.' : 'Password saved. You can now also sign in with your email and this password.' };
  },
  enroll: async (event) => {
    const { request, locals } = event;
    const api = await requireApi(event);
    const form = await request.formData();
    const input = nameForm.safeParse({ name: form.get('name') });
    if (!input.success) return fail(400, { mfaError: input.error.issues[0].message });
    // Turning on two-factor sign-in decides who can sign in from then on, and verifying the
    // factor ends every session signed in with the password alone (the owner's too). So, as for
    // a new password, the current one first: a session taken from this browser (a copied cookie,
    // an unlocked laptop) cannot lock its owner out with the taker's own authenticator app.
    // GoTrue's POST /factors asks for nothing (QA pass 3, finding 1; README "Two-factor sign-in
    // and a taken session"). Accounts without a password (single sign-on) have none to ask for.
    // The address from Auth and whether there is a password from the database (for the access
    // token the API verified), not from the session cookie: a taken cookie's copy could name
    // another account, whose password the taker knows.
    const { data: userData } = await locals.supabase.auth.getUser();
    const passwordSet = await passwordSetOrNull(api);
    if (!userData.user || passwordSet === null) return fail(400, { mfaError: 'Could not start the set-up. Reload the page and try again.' });
    if (passwordSet) {
      const current = String(form.get('current') ?? '');
      const email = userData.user.email;
      if (!current || !email || !(await passwordIsRight(email, current, clientAddress(event)))) {
        return fail(400, { mfaError: 'Your current password is not right.' });
      }
    }
    const { data, error } = await locals.supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: input.data.name });
    if (error || !data) return fail(400, { mfaError: error?.message ?? 'Could not start the set-up' });
    return { enrolling: { id: data.id, qr: data.totp.qr_code, secret: data.totp.secret } };
  },
  verify: async ({ request, locals }) => {
    await signedIn(locals);
    const form = await request.formData();
    const input = codeForm.safeParse({ factorId: form.get('factorId'), code: form.get('code') });
    if (!input.success) return fail(400, { mfaError: input.error.issues[0].message, enrolling: enrollingFrom(form) });
    const { error } = await locals.supabase.auth.mfa.challengeAndVerify({ factorId: input.data.factorId, code: input.data.code });
    if (error) return fail(error.status === 429 ? 429 : 400, { mfaError: refusedCodeMessage(error), enrolling: enrollingFrom(form) });
    // Auth has ended the account's sessions signed in with the password alone (GoTrue's verify does).
    return { mfaNotice: 'Two-factor sign-in is on. Other devices signed in with the password alone were signed out; next time you sign in, enter the code from your app.' };
  },
  signOutOthers: async ({ locals }) => {
    await signedIn(locals);
    // Auth ends the other sessions; their access tokens are refused from then on, not only
    // once they expire (the database checks each token's session: public.session_is_live).
    const { error } = await locals.supabase.auth.signOut({ scope: 'others' });
    if (error) return fail(error.status === 429 ? 429 : 400, { devicesError: friendlyAuthMessage(error.message) });
    return { devicesNotice: 'Signed out of every other device and browser. This one stays signed in.' };
  },
  remove: async ({ request, locals }) => {
    await signedIn(locals);
    const factorId = String((await request.formData()).get('factorId') ?? '');
    const { error } = await locals.supabase.auth.mfa.unenroll({ factorId });
    if (error) return fail(400, { mfaError: error.message });
    return { mfaNotice: 'The authenticator app was removed.' };
  },
};

/** Whether the account has a password; null when the API could not say (a signed-out session or
 * one owing its second factor still goes where requireApi sends it). */
async function passwordSetOrNull(api: Api): Promise<boolean | null> {
  return await hasPassword(api).catch((err: unknown) => {
    if (isRedirect(err)) throw err;
    return null;
  });
}

/** Keeps the QR code on screen after a wrong code (the secret is the user's own). */
function enrollingFrom(form: FormData) {
  const id = String(form.get('factorId') ?? '');
  return id ? { id, qr: String(form.get('qr') ?? ''), secret: String(form.get('secret') ?? '') } : undefined;
}
