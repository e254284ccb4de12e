// Sign out: revoke this browser's session on the auth server and clear its cookies. Only this
// one (scope 'local'): the default, 'global', also signed the person out on every other device;
// Settings › Security has "Sign out of other devices" for that.
// https://supabase.com/docs/reference/javascript/auth-signout
import { redirect } from '@sveltejs/kit';
import { markSignedOutHere } from '$lib/server/signed-out';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    // Before Auth ends it: another tab's request still carrying it is then not "ended elsewhere".
    markSignedOutHere(cookies);
    await locals.supabase.auth.signOut({ scope: 'local' });
    redirect(303, '/login');
  },
};
