/**
 * GoTrue-exact admin behaviour and errors, judged with the official auth-js client: what
 * /admin/users stores, address validation, listUsers defaults, and "… is disabled" answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
});
afterAll(async () => {
  await stack?.stop();
});

describe('admin.createUser', () => {
  it('stores user_metadata as given; only the identity carries sub and email', async () => {
    const admin = stack.admin().auth.admin;
    const email = testEmail('plain');
    const { data, error } = await admin.createUser({ email, password: TEST_PASSWORD, user_metadata: { team: 'x' } });
    expect(error).toBeNull();
    expect(data.user!.user_metadata).toEqual({ team: 'x' });
    expect(data.user!.identities?.[0]?.identity_data).toEqual({ sub: data.user!.id, email, email_verified: false, phone_verified: false });
    const [row] = await stack.db.sql`select raw_user_meta_data from auth.users where id = ${data.user!.id}`;
    expect(row!.raw_user_meta_data).toEqual({ team: 'x' });
  });

  it('marks the address verified in user_metadata when email_confirm is set, as GoTrue Confirm() does', async () => {
    const { data } = await stack.admin().auth.admin.createUser({ email: testEmail('confirmed'), email_confirm: true, user_metadata: { team: 'y' } });
    expect(data.user!.user_metadata).toEqual({ team: 'y', email_verified: true });
    expect(data.user!.email_confirmed_at).toBeTruthy();
  });

  it('signUp (not admin) copies the identity claims into user_metadata, without overwriting them from data', async () => {
    const email = testEmail('signup');
    const { data } = await stack.client().auth.signUp({ email, password: TEST_PASSWORD, options: { data: { team: 'z', sub: 'spoofed' } } });
    expect(data.user!.user_metadata).toEqual({ team: 'z', sub: data.user!.id, email, email_verified: true, phone_verified: false });
  });

  it.each(['xx:;x@x.x', 'a b@example.com', 'no-at-sign', 'x@-bad-.com', 'x@exa_mple.com'])('refuses %j with 400 validation_failed', async (email) => {
    const created = await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD });
    expect(created.error?.status).toBe(400);
    expect(created.error?.code).toBe('validation_failed');
    expect(created.error?.message).toBe('Unable to validate email address: invalid format');
    const signup = await stack.client().auth.signUp({ email, password: TEST_PASSWORD });
    expect(signup.error?.status).toBe(400);
    expect(signup.error?.code).toBe('validation_failed');
    expect(signup.error?.message).toBe('Unable to validate email address: invalid format');
  });

  it('refuses a user without an email and both a password and a hash', async () => {
    const admin = stack.admin().auth.admin;
    const none = await admin.createUser({ password: TEST_PASSWORD });
    expect(none.error?.message).toBe('Cannot create a user without either an email or phone');
    const both = await admin.createUser({ email: testEmail(), password: TEST_PASSWORD, password_hash: '$2a$10$' + 'a'.repeat(53) });
    expect(both.error?.message).toBe('Only a password or a password hash should be provided');
  });
});

// GoTrue adminUserUpdate (internal/api/admin.go): an `email` in PUT /admin/users/{id} is given
// to the `email` identity too, email_verified as `email_confirm` says.
describe('admin.updateUserById with an email', () => {
  async function emailIdentityRows(id: string) {
    return await stack.db.sql<{ provider_id: string; identity_data: Record<string, unknown>; email: string; updated_at: Date }[]>`
      select provider_id, identity_data, email, updated_at from auth.identities where user_id = ${id} and provider = 'email'`;
  }

  it('the email identity takes the new address, verified only with email_confirm, and signs in with it', async () => {
    const admin = stack.admin().auth.admin;
    const { data: created } = await admin.createUser({ email: testEmail('admin-move'), password: TEST_PASSWORD, email_confirm: true });
    const id = created.user!.id;
    const [before] = await emailIdentityRows(id);
    const next = testEmail('admin-moved');

    const { data: moved, error } = await admin.updateUserById(id, { email: next.toUpperCase() });
    expect(error).toBeNull();
    expect(moved.user?.email).toBe(next);
    const { data: fetched } = await admin.getUserById(id);
    expect(fetched.user?.email_confirmed_at).toBeTruthy();
    expect(fetched.user?.identities).toHaveLength(1);
    expect(fetched.user?.identities?.[0]).toMatchObject({
      id, user_id: id, provider: 'email', email: next,
      identity_data: { sub: id, email: next, email_verified: false, phone_verified: false },
    });
    expect(fetched.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    // UpdateIdentityData is a raw `update … set identity_data`: the row keeps its updated_at.
    const rows = await emailIdentityRows(id);
    expect(rows).toEqual([{ ...before, identity_data: { sub: id, email: next, email_verified: false, phone_verified: false }, email: next }]);
    expect((await stack.client().auth.signInWithPassword({ email: next, password: TEST_PASSWORD })).error).toBeNull();

    // The same address again: email_confirm decides email_verified each time.
    expect((await admin.updateUserById(id, { email: next, email_confirm: true })).error).toBeNull();
    expect((await emailIdentityRows(id))[0]!.identity_data).toEqual({ sub: id, email: next, email_verified: true, phone_verified: false });
    expect((await admin.updateUserById(id, { email: next })).error).toBeNull();
    expect((await emailIdentityRows(id))[0]!.identity_data.email_verified).toBe(false);
  });

  it("refuses another account's address and changes nothing", async () => {
    const admin = stack.admin().auth.admin;
    const email = testEmail('admin-keep');
    const { data: created } = await admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    const other = testEmail('admin-taken');
    await admin.createUser({ email: other, password: TEST_PASSWORD });
    const { error } = await admin.updateUserById(created.user!.id, { email: other, email_confirm: true });
    expect(error?.code).toBe('email_exists');
    const { data: fetched } = await admin.getUserById(created.user!.id);
    expect(fetched.user?.email).toBe(email);
    expect(fetched.user?.identities?.[0]?.identity_data).toMatchObject({ email, email_verified: false });
  });
});

describe('admin.listUsers', () => {
  it('uses page 1 and 50 per page when called without arguments (?page=&per_page=)', async () => {
    const admin = stack.admin().auth.admin;
    for (let i = 0; i < 3; i++) await admin.createUser({ email: testEmail('list'), password: TEST_PASSWORD });
    const { data, error } = await admin.listUsers();
    expect(error).toBeNull();
    const [{ count }] = (await stack.db.sql`select count(*)::int as count from auth.users`) as unknown as [{ count: number }];
    expect(data.users.length).toBe(Math.min(count, 50));
    expect((data as { total?: number }).total).toBe(count);
  });

  it('answers bad pagination with 400 validation_failed', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/admin/users?page=abc`, {
      headers: { apikey: stack.keys.secretKey, Authorization: `Bearer ${stack.keys.secretKey}` },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('validation_failed');
  });
});

describe('features that are off', () => {
  it.each([
    ['POST', '/sso', 'saml_provider_disabled', 'SAML 2.0 is disabled'],
    ['GET', '/admin/sso/providers', 'saml_provider_disabled', 'SAML 2.0 is disabled'],
    ['GET', '/passkeys', 'passkey_disabled', 'Passkeys are disabled'],
    ['GET', '/user/identities/authorize', 'manual_linking_disabled', 'Manual linking is disabled'],
    ['GET', '/oauth/authorize', 'feature_disabled', 'OAuth server is disabled'],
    ['GET', '/admin/custom-providers', 'feature_disabled', 'Custom OAuth providers are disabled'],
  ])('%s %s answers 404 %s', async (method, path, code, message) => {
    const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
      method, headers: { apikey: stack.keys.secretKey, Authorization: `Bearer ${stack.keys.secretKey}` },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-sb-error-code')).toBe(code);
    expect(await response.json()).toMatchObject({ code, message });
  });

  it('auth-js sees a disabled feature as an AuthApiError with its code', async () => {
    const { error } = await stack.client().auth.signInWithSSO({ domain: 'example.com' });
    expect(error?.status).toBe(404);
    expect(error?.code).toBe('saml_provider_disabled');
  });
});

describe('invites and generated links', () => {
  it('inviteUserByEmail mails an invite link that confirms the account and signs in; a confirmed address is refused', async () => {
    const { waitForMail, verifyLink } = await import('../helpers/mail.ts');
    const admin = stack.admin().auth.admin;
    const email = testEmail('invited');
    const { data, error } = await admin.inviteUserByEmail(email, { data: { team: 'blue' }, redirectTo: 'http://127.0.0.1:3000/welcome' });
    expect(error).toBeNull();
    expect(data.user?.invited_at).toBeTruthy();
    const mail = await waitForMail(stack.inboxUrl!, email);
    expect(mail.subject).toBe('You have been invited to Mr.Prompt');
    const landed = await fetch(verifyLink(mail), { redirect: 'manual' });
    const location = new URL(landed.headers.get('location')!);
    expect(location.pathname).toBe('/welcome');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('type')).toBe('invite');
    const { data: me } = await stack.client().auth.getUser(fragment.get('access_token')!);
    expect(me.user?.email_confirmed_at).toBeTruthy();
    expect((await admin.inviteUserByEmail(email)).error?.code).toBe('email_exists');
  });

  it('generateLink returns the link and code without mailing them', async () => {
    const { listMail } = await import('../helpers/mail.ts');
    const admin = stack.admin().auth.admin;
    const email = testEmail('linked');
    await admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    const { data, error } = await admin.generateLink({ type: 'recovery', email });
    expect(error).toBeNull();
    expect(data.properties!.verification_type).toBe('recovery');
    expect(data.properties!.action_link).toContain('/auth/v1/verify?token=');
    const verified = await stack.client().auth.verifyOtp({ email, token: data.properties!.email_otp, type: 'recovery' });
    expect(verified.error).toBeNull();
    expect(await listMail(stack.inboxUrl!, email)).toHaveLength(0);
    const missing = await admin.generateLink({ type: 'recovery', email: testEmail('missing') });
    expect(missing.error?.code).toBe('user_not_found');
    const signup = await admin.generateLink({ type: 'signup', email: testEmail('new'), password: TEST_PASSWORD });
    expect(signup.data.user?.email_confirmed_at).toBeUndefined();
    expect(signup.data.properties?.hashed_token).toMatch(/^[0-9a-f]{56}$/);
  });
});
