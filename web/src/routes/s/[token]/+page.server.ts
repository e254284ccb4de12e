// A shared chat, read-only, for anyone with the link (signed out included). The API reads it
// as an anonymous visitor; "Fork" copies it into the signed-in viewer's own account.
import { error, redirect } from '@sveltejs/kit';
import { ApiError, createApi } from '$lib/api';
import { apiBase, apiHeaders } from '$lib/server/api';
import { publicEnv } from '$lib/server/env';
import type { Actions, PageServerLoad } from './$types';

interface SharedMessage {
  id: string;
  sender: 'user' | 'assistant' | 'system';
  content: string;
  status: 'complete' | 'stopped' | 'error';
  model: string | null;
  created_at: string;
}
interface SharedChat {
  title: string;
  live: boolean;
  shared_at: string;
  messages: SharedMessage[];
  next_cursor: string | null;
}

export const load: PageServerLoad = async ({ params, url, fetch, setHeaders }) => {
  const anonymous = createApi(fetch, apiBase(), { apikey: publicEnv().PUBLIC_SUPABASE_PUBLISHABLE_KEY });
  try {
    const chat = await anonymous.get<SharedChat>(`/shared/${encodeURIComponent(params.token)}`, { before: url.searchParams.get('before') });
    // The link is the only key: keep it out of other sites' referrers and out of search
    // engines. (same-origin, not no-referrer: the fork form's POST needs its Origin header.)
    setHeaders({ 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' });
    return { chat, token: params.token };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
      error(404, { message: 'This link does not exist or was revoked.' });
    }
    throw err;
  }
};

export const actions: Actions = {
  fork: async ({ params, request, locals, fetch }) => {
    const { session } = await locals.safeGetSession();
    if (!session) redirect(303, `/login?next=${encodeURIComponent(`/s/${params.token}`)}`);
    const form = await request.formData();
    const messageId = form.get('message_id');
    const api = createApi(fetch, apiBase(), apiHeaders(session.access_token));
    const forked = await api.post<{ session_id: string }>(`/shared/${encodeURIComponent(params.token)}/fork`,
      typeof messageId === 'string' && messageId ? { message_id: messageId } : {});
    redirect(303, `/chat/${forked.session_id}`);
  },
};
