/**
 * @supabase/ssr contract: createServerClient keeps the session in cookies (getAll/setAll)
 * exactly as the SvelteKit app does, across requests, refreshes and sign-out.
 */
import { createServerClient } from '@supabase/ssr';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
});
afterAll(async () => {
  await stack?.stop();
});

/** A browser's cookie jar as seen by one server request after another. */
class CookieJar {
  readonly cookies = new Map<string, string>();
  readonly writes: { name: string; value: string; maxAge?: number }[] = [];
  responseHeaders: Record<string, string> = {};

  client() {
    return createServerClient(stack.apiUrl, stack.keys.publishableKey, {
      cookies: {
        getAll: () => [...this.cookies].map(([name, value]) => ({ name, value })),
        setAll: (cookies, headers) => {
          for (const { name, value, options } of cookies) {
            this.writes.push({ name, value, maxAge: options.maxAge });
            if (value === '' || options.maxAge === 0) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          this.responseHeaders = { ...this.responseHeaders, ...headers };
        },
      },
      realtime: { transport: WebSocket as never },
    });
  }

  /** The stored session, decoded from the (possibly chunked) auth cookie. */
  session(): Record<string, unknown> | null {
    const name = 'sb-127-auth-token';
    const value = this.cookies.get(name) ?? [0, 1, 2, 3, 4].map((i) => this.cookies.get(`${name}.${i}`) ?? '').join('');
    if (!value) return null;
    expect(value.startsWith('base64-')).toBe(true);
    return JSON.parse(Buffer.from(value.slice('base64-'.length), 'base64url').toString('utf8'));
  }
}

async function signedInJar() {
  const email = testEmail('ssr');
  await stack.client().auth.signUp({ email, password: TEST_PASSWORD });
  const jar = new CookieJar();
  const { error } = await jar.client().auth.signInWithPassword({ email, password: TEST_PASSWORD });
  expect(error).toBeNull();
  return { jar, email };
}

describe('createServerClient', () => {
  it('writes the session to the sb-127-auth-token cookie and reads it back on the next request', async () => {
    const { jar, email } = await signedInJar();
    expect([...jar.cookies.keys()].some((name) => name.startsWith('sb-127-auth-token'))).toBe(true);
    expect(jar.responseHeaders['Cache-Control']).toContain('no-store');
    expect(jar.session()?.access_token).toBeTruthy();

    // A later request: a new server client over the same cookies.
    const next = jar.client();
    const { data: claims, error: claimsError } = await next.auth.getClaims();
    expect(claimsError).toBeNull();
    expect(claims?.claims.email).toBe(email);
    const { data, error } = await next.auth.getUser();
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });

  it('refreshes a session close to expiry and writes the rotated tokens back through setAll', async () => {
    const { jar } = await signedInJar();
    const before = jar.session()!;
    // Make the stored access token look nearly expired, as it would after ~an hour.
    const aged = { ...before, expires_at: Math.floor(Date.now() / 1000) + 10 };
    for (const name of [...jar.cookies.keys()]) jar.cookies.delete(name);
    jar.cookies.set('sb-127-auth-token', `base64-${Buffer.from(JSON.stringify(aged)).toString('base64url')}`);

    const { data, error } = await jar.client().auth.getUser();
    expect(error).toBeNull();
    expect(data.user?.id).toBe((before.user as { id: string }).id);
    const after = jar.session()!;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.access_token).not.toBe(before.access_token);

    // The old refresh token has been rotated away in the database.
    const [row] = await stack.db.sql`select revoked from auth.refresh_tokens where token = ${String(before.refresh_token)}`;
    expect(row?.revoked).toBe(true);
  });

  it('signOut clears the cookie and ends the session on the server', async () => {
    const { jar } = await signedInJar();
    const session = jar.session()!;
    const { error } = await jar.client().auth.signOut();
    expect(error).toBeNull();
    expect(jar.session()).toBeNull();
    expect(jar.writes.some((write) => write.value === '' || write.maxAge === 0)).toBe(true);
    const { error: userError } = await stack.client().auth.getUser(String(session.access_token));
    expect(userError?.name).toBe('AuthSessionMissingError');
  });
});
