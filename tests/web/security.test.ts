/**
 * The web server's edges (issue 10), black-box against the real adapter-node build behind
 * the local stack, with plain HTTP requests as a browser would send them:
 *  - finding 4: `?next=` after sign-in stays on this site (`/\evil.com`, `/%5Cevil.com`,
 *    `/%09/evil.com`, `/.//evil.com`);
 *  - finding 5: a Content-Security-Policy with no remote images and no framing;
 *  - finding 9: `/api/..%2F..%2F..%2Fauth%2Fv1%2Fuser` no longer reaches /auth/v1/user with
 *    the user's token;
 *  - finding 10: session cookies are httpOnly; /auth/token hands out the access token only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../local/src/keys/index.ts';
import { type Stack } from '../../local/src/stack.ts';
import { ensureWebBuild, startStackWithWeb } from '../e2e/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { NO_FUNCTIONS, TEST_PASSWORD, testEmail } from '../helpers/stack.ts';

let db: TestDatabase;
let stack: Stack;
let web: string;

beforeAll(async () => {
  await ensureWebBuild();
  db = await createTestDatabase();
  stack = await startStackWithWeb({
    databaseUrl: db.url, keys: await generateKeys(),
    functionsDir: NO_FUNCTIONS, log: () => {},
  });
  web = stack.webUrl!;
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

/** Signs up through the API, then signs in through the web app's form; returns the cookie header. */
async function signIn(next?: string): Promise<{ cookie: string; response: Response }> {
  const email = testEmail('web');
  const signup = await fetch(`${stack.apiUrl}/auth/v1/signup`, {
    method: 'POST', headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(signup.status).toBe(200);
  const query = next === undefined ? '' : `&next=${next}`;
  const response = await fetch(`${web}/login?/signin${query}`, {
    method: 'POST', redirect: 'manual',
    // A plain form post (no JavaScript), as a browser sends it: SvelteKit answers with a 303.
    headers: { origin: web, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: TEST_PASSWORD }),
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, response };
}

describe('sign-in redirect (finding 4)', () => {
  it.each(['/%5Cevil.com', '/%5C%5Cevil.com', '/%09/evil.com', '/.//evil.com', '%2F%2Fevil.com', 'https://evil.com'])(
    'next=%s lands on /chat',
    async (next) => {
      const { response } = await signIn(next);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/chat');
    },
  );

  it('a same-site next is kept', async () => {
    const { response } = await signIn('%2Fprompts');
    expect(response.headers.get('location')).toBe('/prompts');
  });

  it('the raw backslash form (/\\evil.com) too, also when already signed in', async () => {
    const { cookie } = await signIn();
    const res = await fetch(`${web}/login?next=/\\evil.com`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/chat');
  });
});

describe('headers and cookies', () => {
  it('sends a CSP without remote images, inline script or framing (finding 5)', async () => {
    const res = await fetch(`${web}/login`);
    const policy = res.headers.get('content-security-policy') ?? '';
    const directive = (name: string) => new RegExp(`(?:^|;)\\s*${name} ([^;]*)`).exec(policy)?.[1]?.trim() ?? null;
    expect(directive('img-src')).toBe("'self' data: blob:");
    expect(directive('frame-ancestors')).toBe("'none'");
    expect(directive('script-src')).not.toContain('unsafe-inline');
    expect(directive('connect-src')).toContain(new URL(stack.apiUrl).origin);
    expect(directive('connect-src')).toContain(`ws://${new URL(stack.apiUrl).host}`);
  });

  it('keeps the session cookies away from page scripts (finding 10)', async () => {
    const { response } = await signIn();
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*HttpOnly/i);
  });

  it('gives the page an access token for Realtime, never the refresh token (finding 10)', async () => {
    const { cookie } = await signIn();
    const res = await fetch(`${web}/auth/token`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at']);
    expect(body.access_token.split('.')).toHaveLength(3);
    expect((await fetch(`${web}/auth/token`)).status).toBe(401);
  });
});

describe('/api proxy (finding 9)', () => {
  it.each([
    '/api/..%2F..%2F..%2Fauth%2Fv1%2Fuser',
    // (`%2e%2e` segments are resolved by the client's own URL parser before sending; the
    // unit test web/src/lib/server/api-path.test.ts covers them.)
    '/api/x/..%5C..%5C..%5C..%5Cauth%5Cv1%5Cuser',
  ])('%s does not reach the auth server with the user token', async (path) => {
    const { cookie } = await signIn();
    const res = await fetch(`${web}${path}`, { headers: { cookie } });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain('"aud"');
    expect(text).not.toContain('@example');
  });
});
