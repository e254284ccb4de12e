/**
 * How many times one page load asks Auth for the user (GET /auth/v1/user), against the local
 * Auth: the root layout wants the current address and Settings › Security the address, a pending
 * change and the factors. The hook shares one answer per page load (locals.authUser); the session
 * itself is still verified (getClaims: the ES256 signature against Auth's keys), and a form
 * action's request asks Auth again after its change.
 */
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

// The page's other reads (the API's "has a password") are not what is counted here.
vi.mock('$lib/server/api', async (original) => ({ ...(await original<object>()), requireApi: async () => ({}) }));
vi.mock('$lib/server/password', async (original) => ({ ...(await original<object>()), hasPassword: async () => true }));

/**
 * A module of the web app, imported once the settings it reads are set. Through a variable: this
 * repository's type check leaves web/ to svelte-check, whose `$lib` paths it does not know.
 */
const web = (path: string): Promise<any> => import(/* @vite-ignore */ `../../web/src/${path}`);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
  process.env.PUBLIC_SUPABASE_URL = stack.apiUrl;
  process.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY = stack.keys.publishableKey;
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

/** A cookie jar as SvelteKit's `cookies`, enough for @supabase/ssr and the theme cookie. */
function jar(): Cookies {
  const all = new Map<string, string>();
  return {
    get: (name: string) => all.get(name),
    getAll: () => [...all].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string) => void all.set(name, value),
    delete: (name: string) => void all.delete(name),
    serialize: () => '',
  } as unknown as Cookies;
}

/** Signs a new user in through @supabase/ssr, as the sign-in page does: the session in cookies. */
async function signedInCookies(): Promise<Cookies> {
  const cookies = jar();
  const email = testEmail('auth-user');
  const { error } = await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  if (error) throw error;
  const { createSupabaseServerClient } = await web('lib/server/supabase.ts');
  const client = createSupabaseServerClient(cookies);
  const signIn = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
  if (signIn.error) throw signIn.error;
  return cookies;
}

/** Runs the hook and, inside it, the root layout's load and Settings › Security's; counts Auth's /user. */
async function pageLoad(cookies: Cookies, method = 'GET'): Promise<{ userRequests: number; email: unknown }> {
  let userRequests = 0;
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/auth/v1/user' && (init?.method ?? (input instanceof Request ? input.method : 'GET')) === 'GET') userRequests++;
    return realFetch(input, init);
  });
  try {
    const { handle } = await web('hooks.server.ts');
    const layout = await web('routes/+layout.server.ts');
    const security = await web('routes/settings/security/+page.server.ts');
    const url = new URL('http://web.test/settings/security');
    // The layout's API read (budget, theme) answers nothing useful here: no banner, as when it fails.
    const apiFetch = async () => new Response('{}', { status: 503 });
    const event = { cookies, url, locals: {}, request: new Request(url, { method }), fetch: apiFetch } as unknown as RequestEvent;
    let email: unknown;
    await handle({
      event,
      resolve: async () => {
        const [shell, page] = await Promise.all([
          layout.load({ ...event, parent: async () => ({}) } as never) as Promise<{ user: { email: unknown } | null }>,
          security.load(event as never) as Promise<{ email: unknown }>,
        ]);
        email = [shell.user?.email, page.email];
        return new Response('ok');
      },
    });
    return { userRequests, email };
  } finally {
    vi.stubGlobal('fetch', realFetch);
  }
}

describe('GET /auth/v1/user per page load', () => {
  it('asks Auth once for the layout and the page together, and the user is still Auth\'s', async () => {
    const cookies = await signedInCookies();
    const { userRequests, email } = await pageLoad(cookies);
    expect(email).toEqual([expect.stringContaining('@'), expect.stringContaining('@')]);
    expect(userRequests).toBe(1);
  });

  it("a form action's request asks Auth afresh: its change comes before the page's load runs again", async () => {
    const cookies = await signedInCookies();
    expect((await pageLoad(cookies, 'POST')).userRequests).toBeGreaterThanOrEqual(2);
  });

  it('a cookie whose token was tampered with signs nobody in (verified against Auth\'s keys, not just decoded)', async () => {
    const cookies = await signedInCookies();
    const { handle } = await web('hooks.server.ts');
    const forged = jar();
    for (const { name, value } of cookies.getAll()) {
      const text = value.startsWith('base64-') ? Buffer.from(value.slice(7), 'base64url').toString() : value;
      const session = JSON.parse(text) as { access_token: string };
      session.access_token = session.access_token.replace(/.{8}$/, 'AAAAAAAA');
      forged.set(name, `base64-${Buffer.from(JSON.stringify(session)).toString('base64url')}`, { path: '/' });
    }
    const event = { cookies: forged, url: new URL('http://web.test/'), locals: {} as { safeGetSession(): Promise<{ session: unknown }> }, request: new Request('http://web.test/'), fetch };
    await handle({ event, resolve: async () => new Response('ok') });
    expect((await event.locals.safeGetSession()).session).toBeNull();
  });
});
