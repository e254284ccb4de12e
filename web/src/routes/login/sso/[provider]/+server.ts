// Starts sign-in with an external provider: the server client creates the PKCE verifier (in a
// cookie) and the browser goes to /auth/v1/authorize, then the provider, then /auth/callback.
import { error, redirect } from '@sveltejs/kit';
import type { Provider } from '@supabase/supabase-js';
import { enabledProviders } from '$lib/server/auth-providers';
import { withLinkMessage } from '$lib/link-messages';
import { forBrowser } from '$lib/server/env';
import { safeNext } from '$lib/server/safe-next';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url, locals, fetch }) => {
  const providers = await enabledProviders(fetch);
  if (!providers.some((p) => p.id === params.provider)) error(404, { message: 'This sign-in method is not enabled' });
  const next = safeNext(url.searchParams.get('next'), url.origin);
  const { data, error: failure } = await locals.supabase.auth.signInWithOAuth({
    provider: params.provider as Provider,
    options: { redirectTo: `${url.origin}/auth/callback?next=${encodeURIComponent(next)}`, skipBrowserRedirect: true },
  });
  if (failure || !data.url) redirect(303, withLinkMessage('/login', { error: 'sso_failed' }));
  redirect(303, forBrowser(data.url));
};
