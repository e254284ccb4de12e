/**
 * What a new password ends (audits F5 and F6), with the official client, as GoTrue's
 * User.UpdatePassword does it:
 *  - every mailed link and code still outstanding (recovery and magic link, email change — the
 *    pending change itself too —, reauthentication) stops working, whether the user or an
 *    admin set the password;
 *  - the user's own change ends the other sessions; an admin's (password or password_hash)
 *    ends them all.
 */
import { isAuthSessionMissingError, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailCode, verifyLink, waitForMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack({ functionsDir: NO_FUNCTIONS }); });
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
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-2' })).error).toBeNull();

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
    expect((await owner.auth.updateUser({ password: 'owner-new-pass-3' })).error).toBeNull();
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
