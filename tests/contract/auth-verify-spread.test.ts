/**
 * Security review 16 #1, with the official client: one client is one IPv4 address or one IPv6
 * /64 for every per-address limit of local Auth, a mailed link cannot be computed from the
 * address it goes to, and failed link / token_hash checks share one budget of all clients, so
 * spreading guesses over addresses does not help in any form. Before the fix, 50 wrong hashes
 * from one /64 were all answered otp_expired and the right one — sha224(email + code), which
 * anyone can compute for the 10^6 codes — signed in; 40 wrong passwords at one account from one
 * /64 were never refused. Addresses are given as the web app gives a browser's
 * (`Sb-Forwarded-For` with the secret key); each test speaks from addresses of its own.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailCode, verifyLink, waitForMail, type CaughtMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

/** token_verifications per 5 minutes per client (the shipped config.toml has 30). */
const LIMIT = 10;
/** A budget small enough to spend: failed link checks of all clients are 100 × this. */
const SMALL = 2;
let stack: TestStack;
let small: TestStack;

beforeAll(async () => {
  [stack, small] = await Promise.all([
    startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { token_verifications: LIMIT } } }),
    startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { token_verifications: SMALL } } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), small?.stop()]);
});

const sha224 = (text: string) => createHash('sha224').update(text).digest('hex');
const wrongHash = (i: number) => sha224(`wrong guess ${i} ${Math.random()}`);
/** Address `n` of one IPv6 /64, as one home or phone subscriber holds it. */
const inOne64 = (prefix: string, n: number) => `${prefix}::${n.toString(16)}`;

/** The official client as seen from client address `address`. */
function from(address: string, on = stack) {
  return on.client(on.keys.secretKey, {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('apikey', on.keys.secretKey);
      headers.set('sb-forwarded-for', address);
      return fetch(input, { ...init, headers });
    },
  });
}

/** The token hash of an auth mail: its link's token, what {{ .TokenHash }} gives the app's link. */
const mailedHash = (mail: CaughtMail) => new URL(verifyLink(mail)).searchParams.get('token')!;

async function recoveryMail(on: TestStack, email: string) {
  const { data } = await on.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  expect((await on.client().auth.resetPasswordForEmail(email)).error).toBeNull();
  const mail = await waitForMail(on.inboxUrl!, email);
  return { id: data.user!.id, hash: mailedHash(mail), code: mailCode(mail) };
}

describe('one IPv6 /64 is one client', () => {
  it('refuses wrong token_hash guesses spread over a /64 past the budget; the mailed link still signs in with verifyOtp', async () => {
    const email = testEmail('victim');
    const { id, hash, code } = await recoveryMail(stack, email);
    // Not derivable from the address: the hosted derivation of the mailed code is not the link.
    expect(hash).toMatch(/^[0-9a-f]{56}$/);
    expect(hash).not.toBe(sha224(email + code));

    const errors: string[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const { error } = await from(inOne64('2001:db8:aa:bb', i + 1)).auth.verifyOtp({ token_hash: wrongHash(i), type: 'recovery' });
      errors.push(error?.code ?? 'none');
    }
    expect(errors).toEqual([...Array<string>(LIMIT).fill('otp_expired'), 'over_request_rate_limit']);
    // Even the right hash, from yet another address of that /64: its budget is spent.
    const refused = await from(inOne64('2001:db8:aa:bb', 0xffff)).auth.verifyOtp({ token_hash: hash, type: 'recovery' });
    expect(refused.error?.code).toBe('over_request_rate_limit');
    expect(refused.data.session).toBeNull();

    // The owner, elsewhere, follows the mailed link as the web app's /auth/confirm does.
    const { data, error } = await from('2001:db8:cc:dd::1').auth.verifyOtp({ token_hash: hash, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect(data.session?.access_token).toBeTruthy();
  });

  it('refuses a sixth wrong password at one account from another address of the same /64', async () => {
    const email = testEmail('password');
    await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    for (let i = 0; i < 5; i++) {
      const { error } = await from(inOne64('2001:db8:ee:ff', i + 1)).auth.signInWithPassword({ email, password: `wrong-${i}-password` });
      expect(error?.code).toBe('invalid_credentials');
    }
    const sixth = await from(inOne64('2001:db8:ee:ff', 0xbeef)).auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(sixth.error?.code).toBe('over_request_rate_limit');
    // Failures from that /64 never lock the owner out elsewhere.
    expect((await from('2001:db8:ee:100::1').auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
  });

  it('confirms an email change in both halves by the mailed token hashes (double_confirm_changes)', async () => {
    const email = testEmail('change');
    await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    const client = from('2001:db8:12:34::1');
    expect((await client.auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
    const next = testEmail('change-next');
    expect((await client.auth.updateUser({ email: next })).error).toBeNull();
    const toCurrent = mailedHash(await waitForMail(stack.inboxUrl!, email));
    const toNew = mailedHash(await waitForMail(stack.inboxUrl!, next));
    expect(toCurrent).not.toBe(toNew);

    const half = await from('2001:db8:12:34::2').auth.verifyOtp({ token_hash: toCurrent, type: 'email_change' });
    expect(half.error).toBeNull();
    expect((await client.auth.getUser()).data.user?.email).toBe(email);
    const done = await from('2001:db8:12:34::3').auth.verifyOtp({ token_hash: toNew, type: 'email_change' });
    expect(done.error).toBeNull();
    expect(done.data.user?.email).toBe(next);
    expect((await stack.client().auth.signInWithPassword({ email: next, password: TEST_PASSWORD })).error).toBeNull();
  });
});

describe('failed link checks of all clients together', () => {
  it('are refused past 100 × token_verifications whatever the addresses, while the mailed code still works', async () => {
    const email = testEmail('spread');
    const { id, hash, code } = await recoveryMail(small, email);
    const budget = 100 * SMALL;
    // SMALL wrong hashes from each of budget / SMALL different IPv4 addresses: each within its own budget.
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < budget; i++) {
      const address = `10.${Math.floor(i / SMALL / 250)}.${Math.floor(i / SMALL) % 250}.1`;
      const { error } = await from(address, small).auth.verifyOtp({ token_hash: wrongHash(i), type: 'recovery' });
      outcomes[error?.code ?? 'none'] = (outcomes[error?.code ?? 'none'] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ otp_expired: budget });
    // A fresh address, and even the right hash: no more link checks for now.
    expect((await from('192.0.2.10', small).auth.verifyOtp({ token_hash: wrongHash(-1), type: 'recovery' })).error?.code).toBe('over_request_rate_limit');
    expect((await from('192.0.2.11', small).auth.verifyOtp({ token_hash: hash, type: 'recovery' })).error?.code).toBe('over_request_rate_limit');
    // The code of the same mail is counted per email instead, and still signs the owner in.
    const { data, error } = await from('192.0.2.12', small).auth.verifyOtp({ email, token: code, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
  });
});
