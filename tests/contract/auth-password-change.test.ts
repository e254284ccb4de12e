/**
 * What a new password ends (audits F5 and F6), with the official client, as GoTrue's
 * User.UpdatePassword does it:
 *  - every mailed link and code still outstanding (recovery and magic link, email change — the
 *    pending change itself too —, reauthentication) stops working, whether the user or an
 *    admin set the password;
 *  - the user's own change ends the other sessions; an admin's (password or password_hash)
 *    ends them all.
 * And who may set one: with GoTrue's UpdatePasswordRequireCurrentPassword on (as `npm start`
 * runs Mr.Prompt), only a caller who sends the right `current_password`, or a recovery session
 * (internal/api/user.go UserUpdate, user_test.go TestUserUpdatePasswordViaRecovery).
 */
import { createClient, isAuthSessionMissingError, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mailCode, verifyLink, waitForMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, auth: { security_update_password_require_current_password: true } });
});
afterAll(async () => { await stack?.stop(); });

async function account() {
  const email = testEmail('pw');
  const { data, error } = await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  expect(error).toBeNull();
  return { email, id: data.user!.id };
}

async function signIn(email: string, password = TEST_PASSWORD): Promise<SupabaseClient> {
  const client = stack.client();
  expect((await client.auth.signInWithPassword({ email, password })).error).toBeNull();
  return client;
}

/** Follows a mailed link and returns the fragment it lands with. */
async function open(link: string): Promise<URLSearchParams> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return new URLSearchParams(new URL(response.headers.get('location')!).hash.slice(1));
}

async function recoveryMail(email: string) {
  expect((await stack.client().auth.resetPasswordForEmail(email)).error).toBeNull();
  const mail = await waitForMail(stack.inboxUrl!, email);
  return { link: verifyLink(mail), code: mailCode(mail) };
}

// Before the fix, an admin's new password signed nobody out and left every token valid.
describe('an admin sets a new password', () => {
  it('ends every session of the user: refresh tokens and access tokens stop working', async () => {
    const { email, id } = await account();
    const [laptop, phone] = [await signIn(email), await signIn(email)];
    const laptopToken = (await laptop.auth.getSession()).data.session!.access_token;
    expect((await stack.admin().auth.admin.updateUserById(id, { password: 'reset-by-admin-1' })).error).toBeNull();

    for (const client of [laptop, phone]) expect((await client.auth.refreshSession()).error?.code).toBe('refresh_token_not_found');
    const stale = await stack.client().auth.getUser(laptopToken);
    // 403 session_not_found, which auth-js reports as a missing session.
    expect(isAuthSessionMissingError(stale.error)).toBe(true);
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from auth.sessions where user_id = ${id}`;
    expect(n).toBe(0);
    await signIn(email, 'reset-by-admin-1');
  });

  it('a password_hash ends them as well', async () => {
    const { email, id } = await account();
    const session = await signIn(email);
    const [{ hash }] = await stack.db.sql<{ hash: string }[]>`select extensions.crypt('hashed-by-admin-2', extensions.gen_salt('bf', 4)) as hash`;
    expect((await stack.admin().auth.admin.updateUserById(id, { password_hash: hash } as never)).error).toBeNull();
    expect((await session.auth.refreshSession()).error?.code).toBe('refresh_token_not_found');
    await signIn(email, 'hashed-by-admin-2');
  });

  it('voids a recovery link and code mailed before it', async () => {
    const { email, id } = await account();
    const { link, code } = await recoveryMail(email);
    expect((await stack.admin().auth.admin.updateUserById(id, { password: 'reset-by-admin-3' })).error).toBeNull();
    expect((await open(link)).get('error_code')).toBe('otp_expired');
    expect((await stack.client().auth.verifyOtp({ email, token: code, type: 'recovery' })).error?.code).toBe('otp_expired');
  });
});

// Before the fix, a link mailed before the owner's new password still signed in afterwards.
describe('the user sets a new password', () => {
  it('voids a recovery link and its code mailed before, and keeps only the session that changed it', async () => {
    const { email } = await account();
    const { link, code } = await recoveryMail(email);
    const other = await signIn(email);
    const owner = await signIn(email);
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-2', current_password: TEST_PASSWORD })).error).toBeNull();

    const landed = await open(link);
    expect(landed.get('error_code')).toBe('otp_expired');
    expect(landed.get('access_token')).toBeNull();
    expect((await stack.client().auth.verifyOtp({ email, token: code, type: 'recovery' })).error?.code).toBe('otp_expired');
    expect((await other.auth.refreshSession()).error).not.toBeNull();
    expect((await owner.auth.refreshSession()).error).toBeNull();
  });

  it('drops a pending email change: neither address\'s link confirms it any more', async () => {
    const { email, id } = await account();
    // A thief's session asks to move the account to the thief's address.
    const thief = await signIn(email);
    const thiefMail = testEmail('thief');
    expect((await thief.auth.updateUser({ email: thiefMail })).error).toBeNull();
    const toNew = verifyLink(await waitForMail(stack.inboxUrl!, thiefMail));
    const toCurrent = verifyLink(await waitForMail(stack.inboxUrl!, email));
    // The owner notices and changes the password.
    const owner = await signIn(email);
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-3', current_password: TEST_PASSWORD })).error).toBeNull();
    expect((await owner.auth.getUser()).data.user!.new_email).toBeUndefined();

    expect((await open(toNew)).get('error_code')).toBe('otp_expired');
    expect((await open(toCurrent)).get('error_code')).toBe('otp_expired');
    const [row] = await stack.db.sql<{ email: string; email_change: string; email_change_confirm_status: number }[]>`
      select email, email_change, email_change_confirm_status from auth.users where id = ${id}`;
    expect(row).toEqual({ email, email_change: '', email_change_confirm_status: 0 });
    // Nor does a resend bring it back.
    expect((await stack.client().auth.resend({ type: 'email_change', email })).error).toBeNull();
    expect((await (await fetch(`${stack.inboxUrl}/api/v1/messages?to=${encodeURIComponent(thiefMail)}`)).json()).messages).toHaveLength(1);
  });
});

/** Whether `password` signs `email` in (the session it opens is left alone). */
async function signsIn(email: string, password: string): Promise<boolean> {
  return !(await stack.client().auth.signInWithPassword({ email, password })).error;
}

// Before the port, any session under a day old set a new password with PUT /user alone, so a
// stolen access token locked the owner out.
describe('a new password needs the current one (security_update_password_require_current_password)', () => {
  it('is refused without it or with a wrong one, and the password stays', async () => {
    const { email } = await account();
    const thief = await signIn(email);
    const missing = await thief.auth.updateUser({ password: 'thief-pass-11' });
    expect([missing.error?.status, missing.error?.code]).toEqual([400, 'current_password_required']);
    const wrong = await thief.auth.updateUser({ password: 'thief-pass-11', current_password: 'not-the-password-1' });
    expect([wrong.error?.status, wrong.error?.code]).toEqual([400, 'current_password_invalid']);
    const empty = await thief.auth.updateUser({ password: 'thief-pass-11', current_password: '' });
    expect(empty.error?.code).toBe('current_password_required');
    expect(await signsIn(email, 'thief-pass-11')).toBe(false);
    expect(await signsIn(email, TEST_PASSWORD)).toBe(true);
    // Other changes need no password.
    expect((await thief.auth.updateUser({ data: { name: 'Ada' } })).error).toBeNull();
  });

  it('is accepted with the right one; the same password stays same_password', async () => {
    const { email } = await account();
    const owner = await signIn(email);
    const same = await owner.auth.updateUser({ password: TEST_PASSWORD, current_password: TEST_PASSWORD });
    expect(same.error?.code).toBe('same_password');
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-12', current_password: TEST_PASSWORD })).error).toBeNull();
    expect(await signsIn(email, 'owner-new-pass-12')).toBe(true);
  });

  it('guesses count as failed sign-ins: a few wrong ones and that address waits', async () => {
    const { email } = await account();
    const thief = await signIn(email);
    let refused: { status?: number; code?: string } | undefined;
    for (let i = 0; i < 10 && refused?.status !== 429; i++) {
      const { error } = await thief.auth.updateUser({ password: 'thief-pass-13', current_password: `guess-${i}-abc` });
      refused = { status: error?.status, code: error?.code };
    }
    expect(refused?.status).toBe(429);
    // Even the right one waits now, and nothing changed.
    expect((await thief.auth.updateUser({ password: 'thief-pass-13', current_password: TEST_PASSWORD })).error?.status).toBe(429);
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from auth.users where email = ${email} and encrypted_password = extensions.crypt(${TEST_PASSWORD}, encrypted_password)`;
    expect(n).toBe(1);
  });

  // A web app's server sends every user's change from one address: other people's wrong
  // guesses (here 6 × 5, the address's whole budget of 30) must not refuse this person's.
  it('guesses are counted per person, not per address: others\' wrong ones leave this change alone', async () => {
    for (let person = 0; person < 6; person++) {
      const thief = await signIn((await account()).email);
      for (let i = 0; i < 5; i++) await thief.auth.updateUser({ password: 'thief-pass-14', current_password: `guess-${person}-${i}-abc` });
    }
    const { email } = await account();
    const owner = await signIn(email);
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-14', current_password: TEST_PASSWORD })).error).toBeNull();
    expect(await signsIn(email, 'owner-new-pass-14')).toBe(true);
  });

  it('a session a recovery code opened (amr otp) sets it without the current one', async () => {
    const { email } = await account();
    const { code } = await recoveryMail(email);
    const recovering = stack.client();
    expect((await recovering.auth.verifyOtp({ email, token: code, type: 'recovery' })).error).toBeNull();
    expect((await recovering.auth.updateUser({ password: 'recovered-pass-14' })).error).toBeNull();
    expect(await signsIn(email, 'recovered-pass-14')).toBe(true);
  });

  it('so does one a PKCE recovery link opened (amr recovery), as the web app\'s /auth/callback does', async () => {
    const { email } = await account();
    const recovering = createClient(stack.apiUrl, stack.keys.publishableKey, {
      auth: { flowType: 'pkce', persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never },
    });
    expect((await recovering.auth.resetPasswordForEmail(email, { redirectTo: 'http://localhost:3000/auth/callback' })).error).toBeNull();
    const response = await fetch(verifyLink(await waitForMail(stack.inboxUrl!, email)), { redirect: 'manual' });
    const authCode = new URL(response.headers.get('location')!).searchParams.get('code');
    expect(authCode).toBeTruthy();
    expect((await recovering.auth.exchangeCodeForSession(authCode!)).error).toBeNull();
    expect((await recovering.auth.updateUser({ password: 'recovered-pass-15' })).error).toBeNull();
    expect(await signsIn(email, 'recovered-pass-15')).toBe(true);
  });

  it('after secure_password_change\'s nonce, a day-old session still needs the current one', async () => {
    const { email, id } = await account();
    const owner = await signIn(email);
    await stack.db.sql`update auth.sessions set created_at = now() - interval '25 hours' where user_id = ${id}`;
    // GoTrue asks for reauthentication first, whatever else is sent.
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-16' })).error?.code).toBe('reauthentication_needed');
    expect((await owner.auth.reauthenticate()).error).toBeNull();
    const nonce = mailCode(await waitForMail(stack.inboxUrl!, email));
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-16', nonce })).error?.code).toBe('current_password_required');
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-16', nonce, current_password: TEST_PASSWORD })).error).toBeNull();
    expect(await signsIn(email, 'owner-new-pass-16')).toBe(true);
  });
});
