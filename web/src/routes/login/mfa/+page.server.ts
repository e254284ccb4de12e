// The second sign-in step for accounts with an authenticator app: the password (or link)
// gave an aal1 session; the 6-digit code raises it to aal2.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { refusedCodeMessage } from '$lib/server/auth-messages';
import { needsSecondFactor } from '$lib/server/auth-providers';
import { safeNext } from '$lib/server/safe-next';
import type { Actions, PageServerLoad } from './$types';

const codeForm = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app') });

export const load: PageServerLoad = async ({ locals, url }) => {
  const { session } = await locals.safeGetSession();
  if (!session) redirect(303, '/login');
  // Decided with the account's factors as Auth has them now, as the pages that sent it here did:
  // the session cookie's copy would send a browser signed in before the app was turned on
  // straight back to the page that sent it here.
  if (!(await needsSecondFactor(locals.supabase))) redirect(303, safeNext(url.searchParams.get('next'), url.origin));
  return {};
};

export const actions: Actions = {
  default: async ({ request, locals, url }) => {
    const { session } = await locals.safeGetSession();
    if (!session) redirect(303, '/login');
    const input = codeForm.safeParse({ code: (await request.formData()).get('code') });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const { data: factors } = await locals.supabase.auth.mfa.listFactors();
    const factor = factors?.totp[0];
    if (!factor) redirect(303, safeNext(url.searchParams.get('next'), url.origin));
    const { error } = await locals.supabase.auth.mfa.challengeAndVerify({ factorId: factor.id, code: input.data.code });
    if (error) return fail(error.status === 429 ? 429 : 400, { error: refusedCodeMessage(error) });
    redirect(303, safeNext(url.searchParams.get('next'), url.origin));
  },
};
