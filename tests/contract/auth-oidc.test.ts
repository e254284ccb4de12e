/**
 * Sign-in with an external OpenID Connect provider, through the official auth-js client:
 * signInWithOAuth → /authorize → a real OpenID provider (oidc-provider, started here) →
 * /callback → ?code= (PKCE) or #access_token (implicit); identities linked per user; an
 * unconfirmed account found by the address loses what its creator set up (GoTrue's
 * RemoveUnconfirmedIdentities); the first password set on such an account adds its `email`
 * identity (ensureEmailIdentityForPassword), and so does an address an admin gives it or a
 * confirmed change of its own (adminUserUpdate, emailChangeVerify); disabled and unknown
 * providers refused as GoTrue refuses them.
 */
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../../local/src/ports.ts';
import { mailCode, verifyLink, waitForMail } from '../helpers/mail.ts';
import { startOidcIssuer, type OidcIssuer } from '../fixtures/oidc-issuer.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let issuer: OidcIssuer;
const RETURN_TO = 'http://127.0.0.1:3000/auth/callback';

beforeAll(async () => {
  const apiPort = await getFreePort();
  issuer = await startOidcIssuer({ redirectUris: [`http://127.0.0.1:${apiPort}/auth/v1/callback`] });
  stack = await startTestStack({
    functionsDir: NO_FUNCTIONS, apiPort,
    auth: {
      external: {
        keycloak: { enabled: true, client_id: issuer.clientId, secret: issuer.clientSecret, url: issuer.issuer, redirect_uri: '', skip_nonce_check: false, email_optional: false },
        github: { enabled: true, client_id: 'gh-client', secret: 'gh-secret', url: '', redirect_uri: '', skip_nonce_check: false, email_optional: false },
        google: { enabled: false, client_id: '', secret: '', url: '', redirect_uri: '', skip_nonce_check: false, email_optional: false },
      },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

function client(flowType: 'pkce' | 'implicit') {
  const store = new Map<string, string>();
  return createClient(stack.apiUrl, stack.keys.publishableKey, {
    realtime: { transport: WebSocket as never },
    auth: {
      flowType, persistSession: true, autoRefreshToken: false, detectSessionInUrl: false,
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    },
  });
}

/** Follows redirects like a browser (cookies per host) until the app's return address. */
async function browse(start: string): Promise<URL> {
  const jar = new Map<string, Map<string, string>>();
  let url = new URL(start);
  for (let hops = 0; hops < 20; hops++) {
    if (url.toString().startsWith(RETURN_TO)) return url;
    const cookies = jar.get(url.host) ?? new Map<string, string>();
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!.trim(), value.join('='));
    }
    jar.set(url.host, cookies);
    const location = response.headers.get('location');
    if (!location) throw new Error(`stopped at ${url} with ${response.status}: ${(await response.text()).slice(0, 200)}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

async function signInWithSso(flowType: 'pkce' | 'implicit' = 'pkce') {
  const supabase = client(flowType);
  const { data, error } = await supabase.auth.signInWithOAuth({ provider: 'keycloak', options: { redirectTo: RETURN_TO, skipBrowserRedirect: true } });
  expect(error).toBeNull();
  const landed = await browse(data.url!);
  return { supabase, landed };
}

describe('settings', () => {
  it('lists the enabled providers', async () => {
    const settings = await (await fetch(`${stack.apiUrl}/auth/v1/settings`, { headers: { apikey: stack.keys.publishableKey } })).json();
    expect(settings.external).toMatchObject({ keycloak: true, github: true, google: false, email: true });
  });
});

describe('OpenID Connect sign-in (keycloak = the test issuer)', () => {
  it('PKCE: a new user is created with the keycloak identity and gets a session for the code', async () => {
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('sso'), email_verified: true, name: 'Grace' };
    const { supabase, landed } = await signInWithSso('pkce');
    const code = landed.searchParams.get('code');
    expect(code, landed.toString()).toBeTruthy();
    const { data, error } = await supabase.auth.exchangeCodeForSession(code!);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(issuer.account.email);
    expect(data.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak'] });
    expect(data.user?.identities?.map((i) => [i.provider, i.id])).toEqual([['keycloak', issuer.account.sub]]);
    expect(data.user?.user_metadata.name).toBe('Grace');
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.amr.map((a: { method: string }) => a.method)).toEqual(['oauth']);

    const again = await signInWithSso('pkce');
    const second = await again.supabase.auth.exchangeCodeForSession(again.landed.searchParams.get('code')!);
    expect(second.data.user?.id).toBe(data.user?.id);
    const [{ n }] = (await stack.db.sql`select count(*)::int as n from auth.identities where user_id = ${data.user!.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('links to the existing account with the same verified email', async () => {
    const email = testEmail('linked');
    const created = await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: true };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    expect(data.user?.id).toBe(created.data.user!.id);
    expect(data.user?.identities?.map((i) => i.provider).sort()).toEqual(['email', 'keycloak']);
    expect((data.user?.app_metadata.providers as string[]).sort()).toEqual(['email', 'keycloak']);
  });

  // Audit F7: the squatter's password used to stay and open the account the victim now uses.
  it('an unconfirmed account with that address keeps nothing of its creator: password, other identities and metadata go', async () => {
    const email = testEmail('squatted');
    // Someone signed up with the address first, without ever confirming it.
    const squatted = await stack.admin().auth.admin.createUser({
      email, password: 'squatter-chose-1', email_confirm: false, user_metadata: { name: 'Mallory', avatar_url: 'https://evil.example/a.png' },
    });
    expect((await stack.client().auth.signInWithPassword({ email, password: 'squatter-chose-1' })).error?.code).toBe('email_not_confirmed');

    // The owner of the address signs in with the provider, which has verified it.
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: true, name: 'Victim' };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data, error } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(squatted.data.user!.id);
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.identities?.map((i) => i.provider)).toEqual(['keycloak']);
    expect(data.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak'] });
    expect(data.user?.user_metadata).toMatchObject({ name: 'Victim', email, email_verified: true, sub: issuer.account.sub });
    expect(data.user?.user_metadata.avatar_url).toBeUndefined();

    const [row] = await stack.db.sql<{ encrypted_password: string | null }[]>`select encrypted_password from auth.users where id = ${data.user!.id}`;
    expect(row!.encrypted_password).toBeNull();
    expect((await stack.client().auth.signInWithPassword({ email, password: 'squatter-chose-1' })).error?.code).toBe('invalid_credentials');
  });

  it('refuses to link when the provider has not verified the email', async () => {
    const email = testEmail('unverified');
    await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: false };
    const { landed } = await signInWithSso('pkce');
    expect(landed.searchParams.get('error_code')).toBe('email_exists');
    expect(landed.searchParams.get('code')).toBeNull();
  });

  // QA: without it, such an account read as one without a password (the web app asks for the
  // password before turning on two-factor sign-in only when it has an `email` identity or the
  // session was opened with the password).
  it('an account the provider made gets the email identity a password sign-up has when it sets its first password (GoTrue ensureEmailIdentityForPassword)', async () => {
    const email = testEmail('sso-password');
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: true, name: 'Ada' };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    const id = data.user!.id;
    expect(data.user?.identities?.map((i) => i.provider)).toEqual(['keycloak']);

    const updated = await supabase.auth.updateUser({ password: TEST_PASSWORD });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.identities?.map((i) => i.provider)).toEqual(['keycloak', 'email']);
    const { data: listed, error } = await supabase.auth.getUserIdentities();
    expect(error).toBeNull();
    const identity = listed!.identities.find((i) => i.provider === 'email');
    expect(identity).toMatchObject({ id, user_id: id, identity_data: { sub: id, email, email_verified: true, phone_verified: false } });
    const { data: fetched } = await supabase.auth.getUser();
    expect(fetched.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak', 'email'] });
    expect((await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();

    // Only the first password adds it: a later change keeps the one identity.
    expect((await supabase.auth.updateUser({ password: `${TEST_PASSWORD}-2` })).error).toBeNull();
    const [{ n }] = (await stack.db.sql`select count(*)::int as n from auth.identities where user_id = ${id} and provider = 'email'`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('so does a first password an admin sets (adminUserUpdate); an unconfirmed address gets none', async () => {
    const email = testEmail('sso-admin-password');
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: true };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    const { data: updated, error } = await stack.admin().auth.admin.updateUserById(data.user!.id, { password: TEST_PASSWORD });
    expect(error).toBeNull();
    expect(updated.user?.identities?.map((i) => i.provider)).toEqual(['keycloak', 'email']);
    expect(updated.user?.app_metadata.providers).toEqual(['keycloak', 'email']);

    // GoTrue attaches users.email only once it is confirmed.
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('sso-unconfirmed'), email_verified: true };
    const other = await signInWithSso('pkce');
    const { data: second } = await other.supabase.auth.exchangeCodeForSession(other.landed.searchParams.get('code')!);
    await stack.db.sql`update auth.users set email_confirmed_at = null where id = ${second.user!.id}`;
    const { data: unconfirmed } = await stack.admin().auth.admin.updateUserById(second.user!.id, { password: TEST_PASSWORD });
    expect(unconfirmed.user?.identities?.map((i) => i.provider)).toEqual(['keycloak']);
  });

  // GoTrue adminUserUpdate (internal/api/admin.go) and emailChangeVerify (internal/api/verify.go)
  // create the `email` identity an account lacks when its address changes; neither rebuilds
  // app_metadata.providers.
  it('an address an admin gives an account the provider made adds its email identity, verified as email_confirm says', async () => {
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('sso-admin-email'), email_verified: true };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    const id = data.user!.id;
    const next = testEmail('sso-admin-moved');
    const { data: updated, error } = await stack.admin().auth.admin.updateUserById(id, { email: next });
    expect(error).toBeNull();
    expect(updated.user?.identities?.map((i) => i.provider)).toEqual(['keycloak', 'email']);
    const { data: fetched } = await supabase.auth.getUser();
    expect(fetched.user?.email).toBe(next);
    expect(fetched.user?.identities?.map((i) => i.provider)).toEqual(['keycloak', 'email']);
    expect(fetched.user?.identities?.[1]).toMatchObject({
      id, user_id: id, email: next, identity_data: { sub: id, email: next, email_verified: false, phone_verified: false },
    });
    expect(fetched.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak'] });

    // With email_confirm and a first password in the same call: the identity is the address's,
    // verified, and the first-password step finds it there (one identity, providers as before).
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('sso-admin-confirm'), email_verified: true };
    const other = await signInWithSso('pkce');
    const { data: second } = await other.supabase.auth.exchangeCodeForSession(other.landed.searchParams.get('code')!);
    const otherId = second.user!.id;
    const confirmed = testEmail('sso-admin-confirmed');
    const { error: confirmError } = await stack.admin().auth.admin.updateUserById(otherId, { email: confirmed, email_confirm: true, password: TEST_PASSWORD });
    expect(confirmError).toBeNull();
    const rows = await stack.db.sql<{ provider_id: string; identity_data: Record<string, unknown>; email: string }[]>`
      select provider_id, identity_data, email from auth.identities where user_id = ${otherId} and provider = 'email'`;
    expect(rows).toEqual([{ provider_id: otherId, email: confirmed, identity_data: { sub: otherId, email: confirmed, email_verified: true, phone_verified: false } }]);
    const { data: after } = await stack.admin().auth.admin.getUserById(otherId);
    expect(after.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak'] });
    expect((await stack.client().auth.signInWithPassword({ email: confirmed, password: TEST_PASSWORD })).error).toBeNull();
  });

  it("an account the provider made that changes its own address gets the email identity once the change is confirmed", async () => {
    const email = testEmail('sso-self-email');
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email, email_verified: true };
    const { supabase, landed } = await signInWithSso('pkce');
    const { data } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    const id = data.user!.id;
    const next = testEmail('sso-self-moved');
    expect((await supabase.auth.updateUser({ email: next })).error).toBeNull();
    // config.toml has double_confirm_changes: both addresses confirm, by link or by code.
    const toCurrent = await waitForMail(stack.inboxUrl!, email);
    expect((await stack.client().auth.verifyOtp({ email, token: mailCode(toCurrent), type: 'email_change' })).error).toBeNull();
    expect((await supabase.auth.getUser()).data.user?.identities?.map((i) => i.provider)).toEqual(['keycloak']);
    const toNew = await waitForMail(stack.inboxUrl!, next);
    const landedNew = await fetch(verifyLink(toNew), { redirect: 'manual' });
    expect(landedNew.status).toBe(303);

    const { data: fetched } = await supabase.auth.getUser();
    expect(fetched.user?.email).toBe(next);
    expect(fetched.user?.identities?.map((i) => i.provider)).toEqual(['keycloak', 'email']);
    expect(fetched.user?.identities?.[1]).toMatchObject({
      id, user_id: id, email: next, identity_data: { sub: id, email: next, email_verified: true, phone_verified: false },
    });
    expect(fetched.user?.app_metadata).toMatchObject({ provider: 'keycloak', providers: ['keycloak'] });
  });

  it('implicit: the session arrives in the fragment with the provider token', async () => {
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('implicit'), email_verified: true };
    const { landed } = await signInWithSso('implicit');
    const fragment = new URLSearchParams(landed.hash.slice(1));
    expect(fragment.get('provider_token')).toBeTruthy();
    const { data } = await stack.client().auth.getUser(fragment.get('access_token')!);
    expect(data.user?.email).toBe(issuer.account.email);
  });

  it('a state is used once', async () => {
    issuer.account = { sub: `sub-${crypto.randomUUID()}`, email: testEmail('state'), email_verified: true };
    const supabase = client('pkce');
    const { data } = await supabase.auth.signInWithOAuth({ provider: 'keycloak', options: { redirectTo: RETURN_TO, skipBrowserRedirect: true } });
    const state = new URL((await fetch(data.url!, { redirect: 'manual' })).headers.get('location')!).searchParams.get('state');
    const first = await fetch(`${stack.apiUrl}/auth/v1/callback?state=${state}&error=access_denied`, { redirect: 'manual' });
    expect(new URL(first.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    const replay = await fetch(`${stack.apiUrl}/auth/v1/callback?state=${state}&code=x`, { redirect: 'manual' });
    expect(new URLSearchParams(new URL(replay.headers.get('location')!).hash.slice(1)).get('error_code')).toBe('bad_oauth_state');
  });
});

describe('other providers', () => {
  it('GitHub: /authorize sends the browser to github.com with the client id, callback and state', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/authorize?provider=github&redirect_to=${encodeURIComponent(RETURN_TO)}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const target = new URL(response.headers.get('location')!);
    expect(target.origin + target.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(target.searchParams.get('client_id')).toBe('gh-client');
    expect(target.searchParams.get('redirect_uri')).toBe(`${stack.apiUrl}/auth/v1/callback`);
    expect(target.searchParams.get('scope')).toBe('user:email');
    expect(target.searchParams.get('state')).toBeTruthy();
  });

  it.each([
    ['google', 'Unsupported provider: provider is not enabled'],
    ['myspace', 'Unsupported provider: Provider myspace could not be found'],
  ])('%s is refused with 400 validation_failed', async (provider, message) => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/authorize?provider=${provider}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed', message });
  });
});
