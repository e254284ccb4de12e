// "Forgot password?": mails a recovery link whatever the address (the answer never says
// whether an account exists). The app's template links to /auth/confirm (any browser), then
// /reset-password; `redirectTo` serves Auth's stock link (/verify → /auth/callback), for a
// project that kept GoTrue's default templates. Asking again replaces the earlier link.
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { clientAddress } from '$lib/server/client-address';
import { createSupabaseServerClient } from '$lib/server/supabase';
import type { Actions } from './$types';

const emailForm = z.object({ email: z.email('Enter a valid email address') });

export const actions: Actions = {
  default: async (event) => {
    const { request, cookies, url } = event;
    const form = await request.formData();
    const input = emailForm.safeParse({ email: form.get('email') });
    const email = String(form.get('email') ?? '');
    if (!input.success) return fail(400, { email, error: input.error.issues[0].message });
    const supabase = createSupabaseServerClient(cookies, { clientAddress: clientAddress(event) });
    const { error } = await supabase.auth.resetPasswordForEmail(input.data.email, {
      redirectTo: `${url.origin}/auth/callback?next=${encodeURIComponent('/reset-password')}`,
    });
    if (error?.status === 429) return fail(429, { email, error: 'Too many emails were requested; wait a little and try again.' });
    if (error) return fail(400, { email, error: error.message });
    return { sent: true, email: input.data.email };
  },
};
