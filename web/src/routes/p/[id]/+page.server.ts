// A public prompt's own page, read-only, for anyone with the link (signed out included): the
// API reads it as an anonymous visitor. Forking copies it into the signed-in visitor's library
// (a signed-out one signs in first and comes back here).
import { error, redirect } from '@sveltejs/kit';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { cameFromLibrary, readPublicPrompt } from '$lib/server/public-prompt';
import { signInUrl } from '$lib/server/signed-out';
import type { Actions, PageServerLoad } from './$types';

const NOT_PUBLIC = 'This prompt does not exist, or its owner has not made it public.';

export const load: PageServerLoad = async (event) => {
  const { params, setHeaders, url, locals } = event;
  const prompt = await readPublicPrompt(event, params.id);
  if (!prompt) {
    // Sent here unread from its library address (/prompts/<id>): a private prompt there asks to sign in.
    if (cameFromLibrary(url) && !(await locals.safeGetSession()).session) redirect(303, signInUrl(event, `/prompts/${params.id}`));
    error(404, { message: NOT_PUBLIC });
  }
  // Public to whoever has the link, not to search engines: an instance is often a team's own.
  setHeaders({ 'x-robots-tag': 'noindex' });
  return { prompt };
};

export const actions: Actions = {
  fork: async (event) => {
    const api = await requireApi(event);
    const forked = await ok(api.POST('/api/prompts/{id}/fork', { params: { path: { id: event.params.id } }, body: {} })).catch((err: unknown) => {
      // Made private since the page was opened: say so, as opening the link now would.
      if (err instanceof ApiError && err.status === 404) error(404, { message: NOT_PUBLIC });
      return loadFailed(err);
    });
    redirect(303, `/prompts/${forked.id}`);
  },
};
