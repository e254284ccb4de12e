/**
 * TOTP MFA with the official auth-js client: enroll (QR code and secret), challenge, verify,
 * listFactors, getAuthenticatorAssuranceLevel, unenroll; aal/amr in the access token; codes
 * refused when wrong, expired or replayed (a replay saying so); verifying ends the user's aal1
 * sessions; aal2 needed to change email/password and to remove
 * a verified factor; removing a factor (user or admin) drops the sessions it raised to aal1.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack({ functionsDir: NO_FUNCTIONS }); });
afterAll(async () => { await stack?.stop(); });

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

/** A code for a time step away from now (0 = the current 30 s window). */
function code(secret: string, stepOffset = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + stepOffset * 30_000 });
}

async function signedIn(): Promise<{ client: SupabaseClient; email: string }> {
  const email = testEmail('mfa');
  await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  const client = stack.client();
  expect((await client.auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
  return { client, email };
}

async function enrolled() {
  const { client, email } = await signedIn();
  const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
  expect(error).toBeNull();
  const secret = data!.totp.secret;
  const { error: verifyError } = await client.auth.mfa.challengeAndVerify({ factorId: data!.id, code: code(secret) });
  expect(verifyError).toBeNull();
  return { client, email, factorId: data!.id, secret };
}

describe('TOTP enrollment', () => {
  it('returns a QR code (SVG data URI), the secret and the otpauth URI; verifying raises the session to aal2', async () => {
    const { client, email } = await signedIn();
    const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
    expect(error).toBeNull();
    expect(data!.type).toBe('totp');
    expect(data!.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg/);
    expect(data!.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(data!.totp.uri).toContain(`otpauth://totp/localhost%3A3000:${encodeURIComponent(email)}?`);

    const unverified = await client.auth.mfa.listFactors();
    expect(unverified.data!.all.map((f) => f.status)).toEqual(['unverified']);
    expect(unverified.data!.totp).toHaveLength(0);

    const challenge = await client.auth.mfa.challenge({ factorId: data!.id });
    expect(challenge.error).toBeNull();
    const verified = await client.auth.mfa.verify({ factorId: data!.id, challengeId: challenge.data!.id, code: code(data!.totp.secret) });
    expect(verified.error).toBeNull();
    const token = claims(verified.data!.access_token);
    expect(token.aal).toBe('aal2');
    expect((token.amr as { method: string }[]).map((a) => a.method)).toEqual(['totp', 'password']);
    const aal = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(aal.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' });
    expect((await client.auth.mfa.listFactors()).data!.totp.map((f) => f.friendly_name)).toEqual(['Phone']);
  });

  it('refuses a second factor with the same name', async () => {
    const { client } = await signedIn();
    await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' });
    const again = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' });
    expect(again.error?.code).toBe('mfa_factor_name_conflict');
  });
});

describe('signing in with a second factor', () => {
  it('a password sign-in is aal1 with nextLevel aal2 until the code is given', async () => {
    const { email, factorId, secret } = await enrolled();
    const client = stack.client();
    const { data } = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(claims(data.session!.access_token).aal).toBe('aal1');
    expect((await client.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });

    // The code of the enrollment window was used; the next window's code is accepted once.
    const next = code(secret, 1);
    const first = await client.auth.mfa.challengeAndVerify({ factorId, code: next });
    expect(first.error).toBeNull();
    expect(claims(first.data!.access_token).aal).toBe('aal2');
    const refreshed = await client.auth.refreshSession();
    expect(claims(refreshed.data.session!.access_token).aal).toBe('aal2');

    const other = stack.client();
    await other.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const replay = await other.auth.mfa.challengeAndVerify({ factorId, code: next });
    // GoTrue's code for a refused TOTP code (GoTrue itself accepts a replay); the message says why.
    expect([replay.error?.status, replay.error?.code, replay.error?.message]).toEqual([
      422, 'mfa_verification_failed', 'Invalid TOTP code entered: this code, or a later one, was already used; wait for the next one',
    ]);
    // So is an older code, once a later one was used.
    expect((await other.auth.mfa.challengeAndVerify({ factorId, code: code(secret) })).error?.message).toMatch(/already used/);
  });

  it('refuses a wrong code and a code from long ago', async () => {
    const { email, factorId, secret } = await enrolled();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const wrong = await client.auth.mfa.challengeAndVerify({ factorId, code: code(secret) === '000000' ? '111111' : '000000' });
    expect(wrong.error?.code).toBe('mfa_verification_failed');
    expect(wrong.error?.message).toBe('Invalid TOTP code entered');
    const stale = await client.auth.mfa.challengeAndVerify({ factorId, code: code(secret, -4) });
    expect(stale.error?.code).toBe('mfa_verification_failed');
  });

  it('an expired challenge is refused', async () => {
    const { email, factorId, secret } = await enrolled();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const challenge = await client.auth.mfa.challenge({ factorId });
    await stack.db.sql`update auth.mfa_challenges set created_at = now() - interval '6 minutes' where id = ${challenge.data!.id}`;
    const late = await client.auth.mfa.verify({ factorId, challengeId: challenge.data!.id, code: code(secret, 1) });
    expect(late.error?.code).toBe('mfa_challenge_expired');
  });

  it('an aal1 session cannot change the password or remove the factor; aal2 can', async () => {
    const { email, factorId, secret } = await enrolled();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const password = await client.auth.updateUser({ password: 'new-secret-pass-3' });
    expect(password.error?.code).toBe('insufficient_aal');
    const removal = await client.auth.mfa.unenroll({ factorId });
    expect(removal.error?.code).toBe('insufficient_aal');
    const enrollMore = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Second' });
    expect(enrollMore.error?.code).toBe('insufficient_aal');

    expect((await client.auth.mfa.challengeAndVerify({ factorId, code: code(secret, 1) })).error).toBeNull();
    expect((await client.auth.updateUser({ password: 'new-secret-pass-3' })).error).toBeNull();
    expect((await client.auth.mfa.unenroll({ factorId })).error).toBeNull();
    expect((await client.auth.mfa.listFactors()).data!.all).toHaveLength(0);
  });

  it('an aal1 session cannot set an empty password either: the owner\'s aal2 session, refresh token and password stay', async () => {
    const { client: owner, email } = await enrolled();
    const ownerSession = (await owner.auth.getSession()).data.session!;
    const attacker = stack.client();
    await attacker.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const empty = await attacker.auth.updateUser({ password: '' });
    expect(empty.error?.status).toBe(422);
    expect(empty.error?.code).toBe('weak_password');

    expect((await stack.client().auth.getUser(ownerSession.access_token)).error).toBeNull();
    const refreshed = await stack.client().auth.refreshSession({ refresh_token: ownerSession.refresh_token });
    expect(refreshed.error).toBeNull();
    expect((await stack.client().auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
    expect((await stack.client().auth.signInWithPassword({ email, password: '' })).error?.code).toBe('invalid_credentials');
  });

  it('admin lists and deletes a user\'s factors', async () => {
    const { client, factorId } = await enrolled();
    const userId = (await client.auth.getUser()).data.user!.id;
    const admin = stack.admin().auth.admin.mfa;
    const listed = await admin.listFactors({ userId });
    expect(listed.data?.factors.map((f) => f.id)).toEqual([factorId]);
    expect((await admin.deleteFactor({ userId, id: factorId })).error).toBeNull();
    expect((await admin.listFactors({ userId })).data?.factors).toEqual([]);
  });
});

// As GoTrue's verifyTOTPFactor (models.InvalidateSessionsWithAALLessThan): QA found a browser
// signed in before two-factor sign-in was turned on elsewhere kept its password-only session.
describe('verifying a factor', () => {
  it('ends the user\'s aal1 sessions elsewhere: signed in before it was turned on, or stopped at the code step', async () => {
    const { client: here, email } = await signedIn();
    const before = stack.client();
    await before.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const beforeRefresh = (await before.auth.getSession()).data.session!.refresh_token;
    const { data } = await here.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
    expect((await here.auth.mfa.challengeAndVerify({ factorId: data!.id, code: code(data!.totp.secret) })).error).toBeNull();

    // auth-js reads Auth's 403 session_not_found as "Auth session missing!".
    expect((await before.auth.getUser()).error?.name).toBe('AuthSessionMissingError');
    expect((await stack.client().auth.refreshSession({ refresh_token: beforeRefresh })).error).not.toBeNull();
    expect((await here.auth.getUser()).error).toBeNull();

    // Stopped at the code step while another browser signs in with the code: that one is ended
    // too; the first browser, already aal2, stays.
    const waiting = stack.client();
    await waiting.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const other = stack.client();
    await other.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect((await other.auth.mfa.challengeAndVerify({ factorId: data!.id, code: code(data!.totp.secret, 1) })).error).toBeNull();
    expect((await waiting.auth.getUser()).error?.name).toBe('AuthSessionMissingError');
    expect((await here.auth.refreshSession()).error).toBeNull();
    expect((await other.auth.getUser()).error).toBeNull();
  });
});

// Audit F4: the sessions a removed factor had raised used to stay aal2 and keep refreshing as
// aal2 (GoTrue: Factor.DowngradeSessionsToAAL1).
describe('unenrolling a factor', () => {
  const methods = (token: string) => (claims(token).amr as { method: string }[]).map((a) => a.method);

  it('drops the sessions it raised to aal1 without its amr claim; a session raised by another factor stays aal2', async () => {
    // Session 1 is raised with factor A (say, a leaked seed) and adds factor B.
    const { client: first, email, factorId: a } = await enrolled();
    const b = (await first.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Second' })).data!;
    // Session 2, raised with factor B, removes factor A.
    const second = stack.client();
    await second.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect((await second.auth.mfa.challengeAndVerify({ factorId: b.id, code: code(b.totp.secret) })).error).toBeNull();
    expect((await second.auth.mfa.unenroll({ factorId: a })).error).toBeNull();

    const downgraded = await first.auth.refreshSession();
    expect(downgraded.error).toBeNull();
    expect(claims(downgraded.data.session!.access_token).aal).toBe('aal1');
    expect(methods(downgraded.data.session!.access_token)).toEqual(['password']);
    expect((await first.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
    // So it can no longer remove the owner's other factor or change the password.
    expect((await first.auth.mfa.unenroll({ factorId: b.id })).error?.code).toBe('insufficient_aal');
    expect((await first.auth.updateUser({ password: 'taken-over-pass-9' })).error?.code).toBe('insufficient_aal');

    const kept = await second.auth.refreshSession();
    expect(claims(kept.data.session!.access_token).aal).toBe('aal2');
    expect(methods(kept.data.session!.access_token)).toEqual(['totp', 'password']);
  });

  it('by an admin (deleteFactor): the sessions it raised drop to aal1 too', async () => {
    const { client, factorId } = await enrolled();
    const userId = (await client.auth.getUser()).data.user!.id;
    expect((await stack.admin().auth.admin.mfa.deleteFactor({ userId, id: factorId })).error).toBeNull();
    const refreshed = await client.auth.refreshSession();
    expect(claims(refreshed.data.session!.access_token).aal).toBe('aal1');
    expect(methods(refreshed.data.session!.access_token)).toEqual(['password']);
    const [session] = await stack.db.sql<{ aal: string; factor_id: string | null }[]>`
      select aal::text, factor_id from auth.sessions where user_id = ${userId}`;
    expect(session).toEqual({ aal: 'aal1', factor_id: null });
  });
});
