// The browser's one way to an access token: the session cookies are httpOnly, so page
// scripts cannot read them; Realtime (supabase-js `accessToken` option, see
// $lib/supabase.ts) asks here for the current access token — never the refresh token.
// Same-origin only: the response carries no CORS headers, so another site cannot read it.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const { session } = await locals.safeGetSession();
  if (!session) return json({ error: { code: 'unauthorized', message: 'Please sign in again' } }, { status: 401 });
  return json({ access_token: session.access_token, expires_at: session.expires_at ?? null });
};
