// The recovery screen: the recovery link signed the user in (through /auth/callback); here
// they choose the new password. Only a session that link opened, and only for a while
// (lib/server/recovery.ts): any other session would change the password without knowing the
// current one, so it goes to Settings › Security, which asks for it.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { friendlyAuthMessage } from '$lib/server/auth-messages';
import { withLinkMessage } from '$lib/link-messages';
import { newPasswordForm } from '$lib/server/password';
import { openedByRecoveryLink } from '$lib/server/recovery';

const SECURITY = withLinkMessage('/settings/security', { notice: 'password_needs_current' });

async function recoverySession(locals: App.Locals) {
  const { session, claims } = await locals.safeGetSession();
  if (!session) return null;
  if (!openedByRecoveryLink(claims)) redirect(303, SECURITY);
  return session;
}

export const load: PageServerLoad = async ({ locals }) => {
  const session = await recoverySession(locals);
  if (!session) redirect(303, withLinkMessage('/login', { error: 'reset_link' }));
  return { email: session.user.email ?? '' };
};

export const actions: Actions = {
  default: async ({ request, locals }) => {
    if (!(await recoverySession(locals))) redirect(303, '/login');
    const form = await request.formData();
    const input = newPasswordForm.safeParse({ password: form.get('password'), confirm: form.get('confirm') });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const { error } = await locals.supabase.auth.updateUser({ password: input.data.password });
    if (error) return fail(error.status === 422 || error.status === 400 ? 400 : 502, { error: friendlyAuthMessage(error.message) });
    redirect(303, '/chat');
  },
};
