// The recovery screen: the recovery link signed the user in (through /auth/callback); here
// they choose the new password.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { friendlyAuthMessage } from '$lib/server/auth-messages';
import { newPasswordForm } from '$lib/server/password';

export const load: PageServerLoad = async ({ locals }) => {
  const { session } = await locals.safeGetSession();
  if (!session) redirect(303, `/login?error=${encodeURIComponent('Open the link from the email again to reset your password')}`);
  return { email: session.user.email ?? '' };
};

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const { session } = await locals.safeGetSession();
    if (!session) redirect(303, '/login');
    const form = await request.formData();
    const input = newPasswordForm.safeParse({ password: form.get('password'), confirm: form.get('confirm') });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const { error } = await locals.supabase.auth.updateUser({ password: input.data.password });
    if (error) return fail(error.status === 422 || error.status === 400 ? 400 : 502, { error: friendlyAuthMessage(error.message) });
    redirect(303, '/chat');
  },
};
