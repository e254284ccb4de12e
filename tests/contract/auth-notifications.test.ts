/**
 * GoTrue's account-change notices with the official supabase-js client (QA pass 3, finding 1):
 * [auth.email.notification.*] in supabase/config.toml mails the account when a second factor is
 * added (its first code accepted) or removed and when the password changes, as GoTrue does
 * (internal/api/mfa.go verifyTOTPFactor, UnenrollFactor; internal/api/user.go UserUpdate).
 * A session taken from a password-only account can turn on two-factor sign-in with the taker's
 * own app and so keep the owner out; this mail is how the owner hears of it, and an
 * administrator's deleteFactor lets the owner back in with the password.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

function code(secret: string, stepOffset = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + stepOffset * 30_000 });
}

async function signedIn(stack: TestStack, email: string): Promise<SupabaseClient> {
  const client = stack.client();
  expect((await client.auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
  return client;
}

async function newUser(stack: TestStack, label: string): Promise<string> {
  const email = testEmail(label);
  expect((await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true })).error).toBeNull();
  return email;
}

const subjects = async (stack: TestStack, email: string) => (await listMail(stack.inboxUrl!, email)).map((m) => m.subject).reverse();

describe('with the notifications config.toml enables', () => {
  let stack: TestStack;
  beforeAll(async () => { stack = await startTestStack({ functionsDir: NO_FUNCTIONS }); });
  afterAll(async () => { await stack?.stop(); });

  it('a taken session turns on two-factor sign-in: the owner is mailed, and an admin deleteFactor lets the password in again', async () => {
    const email = await newUser(stack, 'owner');
    const taken = await signedIn(stack, email);
    const { data: factor, error } = await taken.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'not-mine' });
    expect(error).toBeNull();
    // Enrolling alone (an unverified factor) mails nothing; the accepted first code does.
    expect(await listMail(stack.inboxUrl!, email)).toEqual([]);
    expect((await taken.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: code(factor!.totp.secret) })).error).toBeNull();

    const [mail, ...more] = await listMail(stack.inboxUrl!, email);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe('Two-factor sign-in was turned on for your Mr.Prompt account');
    expect(mail!.text).toContain(`An authenticator app (totp) was added to the Mr.Prompt account for ${email}`);
    expect(mail!.text).toContain('ask the person who runs this Mr.Prompt to remove it');

    // Signing in with the code again (the factor was verified before) mails nothing more.
    const later = await signedIn(stack, email);
    expect((await later.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: code(factor!.totp.secret, 1) })).error).toBeNull();
    expect(await listMail(stack.inboxUrl!, email)).toHaveLength(1);

    // The owner, with the password alone, is stopped at the code step …
    const owner = await signedIn(stack, email);
    expect((await owner.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
    // … until an administrator removes the factor (README: recovering an account).
    const userId = (await owner.auth.getUser()).data.user!.id;
    expect((await stack.admin().auth.admin.mfa.deleteFactor({ userId, id: factor!.id })).error).toBeNull();
    const back = await signedIn(stack, email);
    expect((await back.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' });
    // GoTrue's admin DeleteFactor sends no notice.
    expect(await listMail(stack.inboxUrl!, email)).toHaveLength(1);
  });

  it('removing a factor and changing the password are mailed to the account, each once', async () => {
    const email = await newUser(stack, 'changes');
    const client = await signedIn(stack, email);
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
    expect((await client.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: code(factor!.totp.secret) })).error).toBeNull();
    expect((await client.auth.updateUser({ password: 'brand-new-pass-7' })).error).toBeNull();
    expect((await client.auth.mfa.unenroll({ factorId: factor!.id })).error).toBeNull();
    expect(await subjects(stack, email)).toEqual([
      'Two-factor sign-in was turned on for your Mr.Prompt account',
      'Your Mr.Prompt password was changed',
      'An authenticator app was removed from your Mr.Prompt account',
    ]);
    const [removed, changed] = await listMail(stack.inboxUrl!, email);
    expect(removed!.text).toContain(`An authenticator app (totp) was removed from the Mr.Prompt account for ${email}`);
    expect(changed!.text).toContain(`The password of the Mr.Prompt account for ${email} was just changed`);
    expect(changed!.links.some((href) => href.endsWith('/login/forgot'))).toBe(true);
  });

  it('a refused change mails nothing', async () => {
    const email = await newUser(stack, 'refused');
    const client = await signedIn(stack, email);
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
    const wrong = code(factor!.totp.secret) === '000000' ? '111111' : '000000';
    expect((await client.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: wrong })).error?.code).toBe('mfa_verification_failed');
    expect((await client.auth.updateUser({ password: TEST_PASSWORD })).error?.code).toBe('same_password');
    expect(await listMail(stack.inboxUrl!, email)).toEqual([]);
  });
});

describe('with the notifications off (GoTrue\'s default)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    const off = { enabled: false };
    stack = await startTestStack({
      functionsDir: NO_FUNCTIONS,
      auth: { email: { notification: { password_changed: off, mfa_factor_enrolled: off, mfa_factor_unenrolled: off } } },
    });
  });
  afterAll(async () => { await stack?.stop(); });

  it('sends none of them', async () => {
    const email = await newUser(stack, 'quiet');
    const client = await signedIn(stack, email);
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
    expect((await client.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: code(factor!.totp.secret) })).error).toBeNull();
    expect((await client.auth.updateUser({ password: 'brand-new-pass-7' })).error).toBeNull();
    expect((await client.auth.mfa.unenroll({ factorId: factor!.id })).error).toBeNull();
    expect(await listMail(stack.inboxUrl!, email)).toEqual([]);
  });
});
