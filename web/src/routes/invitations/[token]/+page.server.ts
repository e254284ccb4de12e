// An invitation link, which a chat's owner sends someone who had no account when invited: signed
// in with the invited address (sign up first, then back here), "Join" accepts it
// (POST /invitations/accept-link) and opens the chat. The link is a key: kept out of referrers
// and search engines, as a share link is.
import { fail, redirect } from '@sveltejs/kit';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  event.setHeaders({ 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' });
  const { claims } = await event.locals.safeGetSession();
  // The name the chat's people will see, said before joining; the link works without it.
  const profile = await ok(api.GET('/api/me')).catch(() => null);
  return { email: typeof claims?.email === 'string' ? claims.email : null, displayName: profile?.display_name ?? null };
};

export const actions: Actions = {
  default: async (event) => {
    const api = await requireApi(event);
    const joined = await ok(api.POST('/api/invitations/accept-link', { body: { token: event.params.token } })).catch((err: unknown) => {
      // Another address, a link replaced or used, an invitation cancelled: one answer for all.
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
      return loadFailed(err);
    });
    if (!joined) return fail(404, { refused: true });
    redirect(303, `/chat/${joined.session_id}`);
  },
};
