/**
 * `npm start` behind a reverse proxy (MRPROMPT_PUBLIC_URL). Before, the web app took only its
 * own address as its origin, so a sign-in through the proxy answered 403 "Cross-site POST form
 * submissions are forbidden", and pages, emails and tokens sent browsers to 127.0.0.1:54321.
 * Here the stack is served at http://localhost:<proxy> and used only through it: supabase-js
 * (Auth, the function, Realtime's WebSocket), the web app's sign-in form and pages, and the
 * links in Auth's emails.
 */
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { generateKeys } from '../../local/src/keys/index.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { parsePublicUrl, type Stack } from '../../local/src/stack.ts';
import { ensureWebBuild, startStackWithWeb } from '../e2e/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { confirmLink, waitForMail } from '../helpers/mail.ts';
import { startReverseProxy, type ReverseProxy } from '../helpers/reverse-proxy.ts';
import { TEST_PASSWORD, testEmail } from '../helpers/stack.ts';

describe('MRPROMPT_PUBLIC_URL', () => {
  it('takes an https origin, or http on localhost, and says what is wrong with anything else', () => {
    expect(parsePublicUrl(undefined)).toBeUndefined();
    expect(parsePublicUrl('  ')).toBeUndefined();
    expect(parsePublicUrl('https://Chat.Example.com/')).toBe('https://chat.example.com');
    expect(parsePublicUrl('https://chat.example.com:8443')).toBe('https://chat.example.com:8443');
    expect(parsePublicUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(() => parsePublicUrl('http://chat.example.com')).toThrow(/must be https: browsers drop the sign-in cookies over plain http/);
    expect(() => parsePublicUrl('https://chat.example.com/mrprompt')).toThrow(/origin only, with no path/);
    expect(() => parsePublicUrl('chat.example.com')).toThrow(/is not a URL/);
    expect(() => parsePublicUrl('ftp://chat.example.com')).toThrow(/must start with https:\/\//);
  });
});

describe('served through a reverse proxy', () => {
  let db: TestDatabase;
  let stack: Stack;
  let proxy: ReverseProxy;
  let publicUrl: string;

  beforeAll(async () => {
    await ensureWebBuild();
    db = await createTestDatabase();
    const port = await getFreePort();
    publicUrl = `http://localhost:${port}`;
    stack = await startStackWithWeb({
      databaseUrl: db.url, keys: await generateKeys(), publicUrl, inboxPort: 0, log: () => {},
      // Never contacted: only the start of the sign-in (the redirects) is followed.
      auth: { external: { github: { enabled: true, client_id: 'public-url-test', secret: 'not-used', url: '', redirect_uri: '', skip_nonce_check: false, email_optional: false } } },
    });
    proxy = await startReverseProxy(stack.apiUrl, stack.webUrl!, port);
  }, 300_000);
  afterAll(async () => {
    await proxy?.close();
    await stack?.stop();
    await db?.drop();
  });

  const client = () =>
    createClient(publicUrl, stack.keys.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never },
    });

  it('serves supabase-js at the public URL: tokens name it, the function and Realtime answer through it', async () => {
    const supabase = client();
    const email = testEmail('proxied');
    const { data, error } = await supabase.auth.signUp({ email, password: TEST_PASSWORD });
    expect(error).toBeNull();
    expect(decodeJwt(data.session!.access_token).iss).toBe(`${publicUrl}/auth/v1`);

    const sessions = await fetch(`${publicUrl}/functions/v1/api/sessions`, {
      headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${data.session!.access_token}` },
    });
    expect(sessions.status).toBe(200);

    const status = await new Promise<string>((resolve) => {
      supabase.channel('proxied-room').subscribe((state) => { if (state !== 'CLOSED') resolve(state); });
    });
    expect(status).toBe('SUBSCRIBED');
    await supabase.removeAllChannels();
  }, 120_000);

  it('signs in through the web app at the public origin and serves its pages from there', async () => {
    const email = testEmail('proxied-web');
    expect((await client().auth.signUp({ email, password: TEST_PASSWORD })).error).toBeNull();
    const signIn = await fetch(`${publicUrl}/login?/signin`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: publicUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password: TEST_PASSWORD }),
    });
    expect(signIn.status).toBe(303);
    const cookies = signIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    expect(cookies).toMatch(/sb-[^=]+-auth-token/);

    const page = await fetch(`${publicUrl}/chat`, { headers: { cookie: cookies, accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(200);
    // The browser is sent to the public address for live updates, never to 127.0.0.1.
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain(`connect-src 'self' ${publicUrl} ws://localhost:${new URL(publicUrl).port}`);
    const html = await page.text();
    expect(html).toContain(publicUrl);
    expect(html).not.toContain(stack.apiUrl);
  }, 120_000);

  it('starts an external sign-in at the public address, with the provider sending people back there', async () => {
    const start = await fetch(`${publicUrl}/login/sso/github`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const authorize = start.headers.get('location')!;
    expect(authorize.startsWith(`${publicUrl}/auth/v1/authorize?`)).toBe(true);
    const toProvider = await fetch(authorize, { redirect: 'manual' });
    expect([302, 303]).toContain(toProvider.status);
    const provider = new URL(toProvider.headers.get('location')!);
    expect(provider.origin).toBe('https://github.com');
    expect(provider.searchParams.get('redirect_uri')).toBe(`${publicUrl}/auth/v1/callback`);
  });

  it("sends Auth's email links to the public URL, whose page uses the link once asked", async () => {
    const email = testEmail('proxied-mail');
    const supabase = client();
    expect((await supabase.auth.signUp({ email, password: TEST_PASSWORD })).error).toBeNull();
    expect((await supabase.auth.resetPasswordForEmail(email, { redirectTo: `${publicUrl}/auth/callback` })).error).toBeNull();
    const link = confirmLink(await waitForMail(stack.inboxUrl!, email));
    expect(link.startsWith(`${publicUrl}/auth/confirm?`)).toBe(true);
    // Opened through the proxy, the page comes from the public origin and its button posts there.
    const page = await fetch(link, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const used = await fetch(`${publicUrl}/auth/confirm`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: publicUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new URL(link).searchParams),
    });
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/reset-password');
    expect(used.headers.getSetCookie().join('; ')).toMatch(/sb-[^=]+-auth-token/);
  }, 60_000);
});
