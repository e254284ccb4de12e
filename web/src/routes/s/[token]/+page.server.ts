// A shared chat, read-only, for anyone with the link (signed out included). The API reads it
// as an anonymous visitor; "Fork" copies it into the signed-in viewer's own account.
import { error, redirect } from '@sveltejs/kit';
import { ApiError, createApi, ok } from '$lib/api';
import { forkedPath } from '$lib/chat/fork-notice';
import { apiHeaders, functionsBase, loadFailed } from '$lib/server/api';
import { refuseIfRateLimited, visitorApi } from '$lib/server/visitor-api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { params, url, setHeaders } = event;
  try {
    const query = { before: url.searchParams.get('before') || undefined };
    const chat = await ok(visitorApi(event).GET('/api/shared/{token}', { params: { path: { token: params.token }, query } }));
    // The link is the only key: keep it out of other sites' referrers and out of search
    // engines. (same-origin, not no-referrer: the fork form's POST needs its Origin header.)
    setHeaders({ 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' });
    return { chat, token: params.token };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
      error(404, { message: 'This link does not exist or was revoked.' });
    }
    refuseIfRateLimited(err);
    throw err;
  }
};

export const actions: Actions = {
  fork: async ({ params, request, locals, fetch }) => {
    const { session } = await locals.safeGetSession();
    if (!session) redirect(303, `/login?next=${encodeURIComponent(`/s/${params.token}`)}`);
    const form = await request.formData();
    const messageId = form.get('message_id');
    const api = createApi(fetch, functionsBase(), apiHeaders(session.access_token));
    const body = typeof messageId === 'string' && messageId ? { message_id: messageId } : {};
    const forked = await ok(api.POST('/api/shared/{token}/fork', { params: { path: { token: params.token } }, body })).catch((err: unknown) => {
      // Revoked (or replaced) since the page was opened: say so, as opening the link now would.
      if (err instanceof ApiError && err.status === 404) error(404, { message: 'This link does not exist or was revoked.' });
      return loadFailed(err);
    });
    // The new chat says how many of the others' files stayed out (lib/chat/fork-notice.ts).
    redirect(303, forkedPath(forked.session_id, forked.files_left_out));
  },
};
