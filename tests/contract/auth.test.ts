/**
 * Auth contract: the official supabase-js (2.119.1) against the local stack's /auth/v1.
 * Every test signs up its own users.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isAuthApiError, isAuthSessionMissingError, isAuthWeakPasswordError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../local/src/paths.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  // No functions are needed here; an empty folder keeps Deno out of this file.
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
});
afterAll(async () => {
  await stack?.stop();
});

async function signUp(email = testEmail()) {
  const client = stack.client();
  const { data, error } = await client.auth.signUp({ email, password: TEST_PASSWORD, options: { data: { display_name: 'Ada' } } });
  expect(error).toBeNull();
  return { client, email, session: data.session!, user: data.user! };
}

/** A fetch that records the paths it was asked for. */
function countingFetch() {
  const paths: string[] = [];
  const fetcher: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    paths.push(url.pathname);
    return fetch(input, init);
  };
  return { paths, fetcher };
}

describe('sign-up', () => {
  it('returns a full session, stores a bcrypt hash and fires the profile trigger', async () => {
    const { session, user, email } = await signUp();
    expect(session.access_token).toBeTruthy();
    expect(session.refresh_token).toBeTruthy();
    expect(session.expires_in).toBe(3600);
    expect(user.email).toBe(email);
    expect(user.user_metadata.display_name).toBe('Ada');
    expect(user.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(user.identities?.[0]?.provider).toBe('email');

    const [row] = await stack.db.sql`select encrypted_password from auth.users where id = ${user.id}`;
    expect(row!.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
    const [profile] = await stack.db.sql`select id from public.profiles where id = ${user.id}`;
    expect(profile?.id).toBe(user.id);
  });

  it('refuses a weak password with AuthWeakPasswordError and its reasons', async () => {
    const { error } = await stack.client().auth.signUp({ email: testEmail(), password: 'short' });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error?.status).toBe(422);
    if (isAuthWeakPasswordError(error)) expect(error.reasons).toEqual(expect.arrayContaining(['length', 'characters']));
  });

  it('refuses metadata nested deeper than it can store as 400 bad_json, as GoTrue refuses JSON too deep to parse (was a 500)', async () => {
    const deep = JSON.parse('['.repeat(3000) + '1' + ']'.repeat(3000)) as unknown;
    const { data, error } = await stack.client().auth.signUp({ email: testEmail('deep'), password: TEST_PASSWORD, options: { data: { deep } } });
    expect(data.user).toBeNull();
    expect([error?.status, error?.code]).toEqual([400, 'bad_json']);
    expect(isAuthApiError(error)).toBe(true);
  });

  it('refuses an email that is already registered', async () => {
    const { email } = await signUp();
    const { error } = await stack.client().auth.signUp({ email: email.toUpperCase(), password: TEST_PASSWORD });
    expect(isAuthApiError(error) && error.code).toBe('user_already_exists');
  });
});

describe('sign-in', () => {
  it('signs in with the password, matching the email case-insensitively', async () => {
    const { email, user } = await signUp();
    const { data, error } = await stack.client().auth.signInWithPassword({ email: email.toUpperCase(), password: TEST_PASSWORD });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(data.session?.token_type).toBe('bearer');
  });

  it('answers a wrong password with AuthApiError invalid_credentials (400)', async () => {
    const { email } = await signUp();
    const { data, error } = await stack.client().auth.signInWithPassword({ email, password: 'wrong-password-1' });
    expect(data.session).toBeNull();
    expect(isAuthApiError(error)).toBe(true);
    expect(error?.code).toBe('invalid_credentials');
    expect(error?.status).toBe(400);
    // An unknown email looks exactly the same.
    const unknown = await stack.client().auth.signInWithPassword({ email: testEmail('nobody'), password: TEST_PASSWORD });
    expect(unknown.error?.code).toBe('invalid_credentials');
    expect(unknown.error?.message).toBe(error?.message);
  });

  it('refuses an email after repeated failures from the same address with 429, even with the right password', async () => {
    const { email } = await signUp();
    const client = stack.client();
    for (let i = 0; i < 5; i++) {
      const { error } = await client.auth.signInWithPassword({ email, password: `wrong-password-${i}` });
      expect(error?.code).toBe('invalid_credentials');
    }
    const { error } = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
  });
});

describe('access tokens', () => {
  it('carries every GoTrue claim and getClaims() verifies it through the JWKS without /user', async () => {
    const { email, user } = await signUp();
    const { paths, fetcher } = countingFetch();
    const client = stack.client(undefined, { fetch: fetcher });
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    paths.length = 0;

    const { data, error } = await client.auth.getClaims();
    expect(error).toBeNull();
    expect(data?.header.alg).toBe('ES256');
    expect(data?.header.kid).toBe(stack.keys.signingKey.kid);
    const claims = data!.claims;
    expect(claims).toMatchObject({
      iss: `${stack.apiUrl}/auth/v1`, sub: user.id, aud: 'authenticated', email, phone: '',
      role: 'authenticated', aal: 'aal1', is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(claims.exp - claims.iat).toBe(3600);
    const [session] = await stack.db.sql`select user_id from auth.sessions where id = ${claims.session_id}`;
    expect(session?.user_id).toBe(user.id);

    expect(paths).toEqual(['/auth/v1/.well-known/jwks.json']);
  });

  it('serves the JWKS publicly cacheable with verify-only public keys', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/.well-known/jwks.json`, { headers: { apikey: stack.keys.publishableKey } });
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', key_ops: ['verify'] });
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('service endpoints', () => {
  it('reports settings from config.toml and health', async () => {
    const headers = { apikey: stack.keys.publishableKey };
    const settings = await (await fetch(`${stack.apiUrl}/auth/v1/settings`, { headers })).json();
    expect(settings).toMatchObject({ disable_signup: false, mailer_autoconfirm: true, external: { email: true, phone: false } });
    const health = await fetch(`${stack.apiUrl}/auth/v1/health`, { headers });
    expect(health.status).toBe(200);
  });
});

describe('refresh', () => {
  it('rotates the refresh token; a lost answer is recoverable, a replay ends the session', async () => {
    const { session } = await signUp();
    const first = session.refresh_token;
    const rotated = await stack.client().auth.refreshSession({ refresh_token: first });
    expect(rotated.error).toBeNull();
    const second = rotated.data.session!.refresh_token;
    expect(second).not.toBe(first);

    // The parent of the live token gives the live token back (the client lost the answer).
    const again = await stack.client().auth.refreshSession({ refresh_token: first });
    expect(again.data.session?.refresh_token).toBe(second);

    const third = (await stack.client().auth.refreshSession({ refresh_token: second })).data.session!;
    // The first token is now two rotations old; once outside the reuse interval it is refused.
    await stack.db.sql`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = ${first}`;
    const replay = await stack.client().auth.refreshSession({ refresh_token: first });
    expect(replay.error?.code).toBe('refresh_token_already_used');
    expect(replay.error?.status).toBe(400);

    // The replay revoked the whole session: its newest tokens are dead too.
    const after = await stack.client().auth.refreshSession({ refresh_token: third.refresh_token });
    expect(after.data.session).toBeNull();
    const { error } = await stack.client().auth.getUser(third.access_token);
    expect(isAuthSessionMissingError(error)).toBe(true);
  });

  it('answers an unknown refresh token with refresh_token_not_found', async () => {
    const { error } = await stack.client().auth.refreshSession({ refresh_token: 'not-a-real-token' });
    expect(error?.code).toBe('refresh_token_not_found');
  });
});

describe('user', () => {
  it('updates metadata (merged) and password; an email change waits for confirmation by mail', async () => {
    const { client, user } = await signUp();
    const merged = await client.auth.updateUser({ data: { theme: 'dark' } });
    expect(merged.error).toBeNull();
    expect(merged.data.user?.user_metadata).toMatchObject({ display_name: 'Ada', theme: 'dark' });

    const same = await client.auth.updateUser({ password: TEST_PASSWORD });
    expect(same.error?.code).toBe('same_password');
    expect(same.error?.status).toBe(422);
    const weak = await client.auth.updateUser({ password: 'abc' });
    expect(isAuthWeakPasswordError(weak.error)).toBe(true);

    const newEmail = testEmail('moved');
    const changed = await client.auth.updateUser({ email: newEmail, password: 'another-secret-7' });
    expect(changed.error).toBeNull();
    // GoTrue mails both addresses (double_confirm_changes); tests/contract/auth-email.test.ts confirms them.
    expect(changed.data.user?.email).toBe(user.email);
    expect(changed.data.user?.new_email).toBe(newEmail);

    const signIn = await stack.client().auth.signInWithPassword({ email: user.email!, password: 'another-secret-7' });
    expect(signIn.data.user?.id).toBe(user.id);
    const fetched = await client.auth.getUser();
    expect(fetched.data.user?.user_metadata.theme).toBe('dark');
  });

  it('refuses an empty password as GoTrue does (422 weak_password), and an empty password never signs in', async () => {
    const { client, email, session } = await signUp();
    const empty = await client.auth.updateUser({ password: '' });
    expect(isAuthWeakPasswordError(empty.error)).toBe(true);
    expect(empty.error?.status).toBe(422);
    if (isAuthWeakPasswordError(empty.error)) expect(empty.error.reasons).toContain('length');
    // Nothing changed: the session lives on and the password still signs in.
    expect((await stack.client().auth.getUser(session.access_token)).error).toBeNull();
    expect((await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();

    // Even where a hash of '' is stored (set before '' was refused), '' opens nothing.
    await stack.db.sql`update auth.users set encrypted_password = extensions.crypt('', extensions.gen_salt('bf', 10)) where email = ${email}`;
    const signIn = await stack.client().auth.signInWithPassword({ email, password: '' });
    expect(signIn.data.session).toBeNull();
    expect(isAuthApiError(signIn.error) && [signIn.error.status, signIn.error.code]).toEqual([400, 'invalid_credentials']);
    // GoTrue reads a missing password as '': the same answer.
    const missing = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/json' }, body: JSON.stringify({ email }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error_code).toBe('invalid_credentials');
  });

  it('signOut ends the session: its refresh token and access token stop working', async () => {
    const { client, session } = await signUp();
    const { error } = await client.auth.signOut();
    expect(error).toBeNull();
    const refresh = await stack.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error?.code).toBe('refresh_token_not_found');
    const user = await stack.client().auth.getUser(session.access_token);
    expect(isAuthSessionMissingError(user.error)).toBe(true);
  });

  it('signOut with scope local keeps the other sessions of the user', async () => {
    const { email, session: other } = await signUp();
    const device = stack.client();
    await device.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    await device.auth.signOut({ scope: 'local' });
    const { data, error } = await stack.client().auth.getUser(other.access_token);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });
});

describe('admin', () => {
  it('creates, lists, gets and deletes users with the secret key', async () => {
    const admin = stack.admin().auth.admin;
    const email = testEmail('admin-made');
    const created = await admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true, user_metadata: { team: 'x' } });
    expect(created.error).toBeNull();
    const id = created.data.user!.id;
    const [profile] = await stack.db.sql`select id from public.profiles where id = ${id}`;
    expect(profile?.id).toBe(id);

    const signIn = await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(signIn.data.user?.id).toBe(id);

    const updated = await admin.updateUserById(id, { app_metadata: { plan: 'pro' } });
    expect(updated.data.user?.app_metadata).toMatchObject({ provider: 'email', plan: 'pro' });

    const listed = await admin.listUsers({ page: 1, perPage: 1 });
    expect(listed.error).toBeNull();
    expect(listed.data.users).toHaveLength(1);
    expect((listed.data as { total?: number }).total).toBeGreaterThanOrEqual(1);

    const duplicate = await admin.createUser({ email, password: TEST_PASSWORD });
    expect(duplicate.error?.code).toBe('email_exists');

    const deleted = await admin.deleteUser(id);
    expect(deleted.error).toBeNull();
    const gone = await admin.getUserById(id);
    expect(gone.error?.status).toBe(404);
    const [row] = await stack.db.sql`select id from public.profiles where id = ${id}`;
    expect(row).toBeUndefined();
  });

  it('bans a user: sessions end at once and sign-in is refused until the ban is lifted', async () => {
    const { user, email, session } = await signUp();
    const admin = stack.admin().auth.admin;
    const banned = await admin.updateUserById(user.id, { ban_duration: '24h' });
    expect(banned.data.user?.banned_until).toBeTruthy();
    const refused = await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(refused.error?.code).toBe('user_banned');
    expect(isAuthSessionMissingError((await stack.client().auth.getUser(session.access_token)).error)).toBe(true);
    await admin.updateUserById(user.id, { ban_duration: 'none' });
    const allowed = await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(allowed.error).toBeNull();
  });

  it('refuses admin calls made with the publishable key (403 not_admin)', async () => {
    const { error } = await stack.client().auth.admin.createUser({ email: testEmail(), password: TEST_PASSWORD });
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('not_admin');
    const list = await stack.client().auth.admin.listUsers();
    expect(list.error?.code).toBe('not_admin');
  });
});

describe('a plain Node script', () => {
  it('signs up with the official client, as the README shows', async () => {
    const script = `
      import { createClient } from '@supabase/supabase-js';
      import WebSocket from 'ws';
      const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_PUBLISHABLE_KEY, {
        realtime: { transport: WebSocket },
      });
      const { data, error } = await supabase.auth.signUp({ email: process.env.EMAIL, password: process.env.PASSWORD });
      if (error) throw error;
      console.log(JSON.stringify({ id: data.user.id, hasSession: Boolean(data.session) }));
      process.exit(0);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        SUPABASE_URL: stack.apiUrl,
        SUPABASE_PUBLISHABLE_KEY: stack.keys.publishableKey,
        EMAIL: testEmail('script'),
        PASSWORD: TEST_PASSWORD,
      },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.hasSession).toBe(true);
    const [row] = await stack.db.sql`select id from auth.users where id = ${result.id}`;
    expect(row?.id).toBe(result.id);
  });
});
