// The recovery screen: the recovery link signed the user in (through /auth/callback); here
// they choose the new password. Only a session that link opened, and only for a while
// (lib/server/recovery.ts): any other session would change the password without knowing the
// current one, so it goes to Settings › Security, which asks for it — or, for an account that
// has no password (single sign-on), says it can choose its first one there without one.
import { fail, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { friendlyAuthMessage } from '$lib/server/auth-messages';
import { withLinkMessage } from '$lib/link-messages';
import { requireApi } from '$lib/server/api';
import { hasPassword, newPasswordForm } from '$lib/server/password';
import { openedByRecoveryLink } from '$lib/server/recovery';

type Event = Pick<RequestEvent, 'locals' | 'fetch' | 'url' | 'cookies'>;

/** Settings › Security, saying what choosing a password there needs (GET /api/me/password). */
async function toSecurity(event: Event): Promise<never> {
  // Unknown (the API did not answer): the current password is what most accounts need.
  const passwordSet = await hasPassword(await requireApi(event)).catch((err: unknown) => {
    if (isRedirect(err)) throw err;
    return true;
  });
  redirect(303, withLinkMessage('/settings/security', { notice: passwordSet ? 'password_needs_current' : 'password_choose_first' }));
}

async function recoverySession(event: Event) {
  const { session, claims } = await event.locals.safeGetSession();
  if (!session) return null;
  if (!openedByRecoveryLink(claims)) await toSecurity(event);
  return session;
}

export const load: PageServerLoad = async (event) => {
  const session = await recoverySession(event);
  if (!session) redirect(303, withLinkMessage('/login', { error: 'reset_link' }));
  return { email: session.user.email ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    const { request, locals } = event;
    if (!(await recoverySession(event))) redirect(303, '/login');
    const form = await request.formData();
    const input = newPasswordForm.safeParse({ password: form.get('password'), confirm: form.get('confirm') });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const { error } = await locals.supabase.auth.updateUser({ password: input.data.password });
    if (error) return fail(error.status === 422 || error.status === 400 ? 400 : 502, { error: friendlyAuthMessage(error.message) });
    redirect(303, '/chat');
  },
};
