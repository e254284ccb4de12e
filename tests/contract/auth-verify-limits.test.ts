/**
 * Attempt limits on mailed codes and links (audit F1), with the official client:
 *  - every /auth/v1/verify request — a link (GET ?token=), a token_hash or a code (POST) —
 *    counts against [auth.rate_limit] token_verifications per 5 minutes per client address,
 *    as GoTrue's limiter in front of the whole route (a wrong hash here is any hex string: the
 *    link's token is keyed locally, see auth-verify-spread.test.ts);
 *  - a code also counts against its email, so spreading guesses over addresses does not help;
 *  - with secure_password_change, PUT /user with a `nonce` counts the same way, per address
 *    and per user.
 * Each test speaks from its own client address (`Sb-Forwarded-For` with the secret key, as a
 * server signing people in would), so the budgets of one test do not spill into another.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailCode, verifyLink, waitForMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

/** A small budget keeps the tests short; the shipped config.toml has 30. */
const LIMIT = 10;
let stack: TestStack;
let secure: TestStack;

beforeAll(async () => {
  [stack, secure] = await Promise.all([
    startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { token_verifications: LIMIT } } }),
    startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { token_verifications: LIMIT }, email: { secure_password_change: true } } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), secure?.stop()]);
});

const sha224 = (text: string) => createHash('sha224').update(text).digest('hex');

/** The official client, and plain link-following, as seen from client address `address`. */
function from(address: string, on = stack) {
  const withAddress = (init?: RequestInit): RequestInit => {
    const headers = new Headers(init?.headers);
    headers.set('apikey', on.keys.secretKey);
    headers.set('sb-forwarded-for', address);
    return { ...init, headers };
  };
  return {
    client: on.client(on.keys.secretKey, { fetch: (input, init) => fetch(input, withAddress(init)) }),
    /** Follows a mailed link; the Location (303) or the JSON error. */
    async open(link: string): Promise<{ status: number; location: URL | null; code: string | null }> {
      const response = await fetch(link, withAddress({ redirect: 'manual' }));
      const location = response.headers.get('location');
      const body = location ? null : ((await response.json()) as { code?: string });
      return { status: response.status, location: location ? new URL(location) : null, code: body?.code ?? null };
    },
  };
}

async function recoveryMail(email: string) {
  await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  expect((await stack.client().auth.resetPasswordForEmail(email)).error).toBeNull();
  const mail = await waitForMail(stack.inboxUrl!, email);
  return { link: verifyLink(mail), code: mailCode(mail) };
}

/** A code of the right length that is not `code`. */
const wrongCode = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(code.length, '0');

describe('/verify attempts per client address', () => {
  // Without the limit, the hash paths answered thousands of guesses and the right one signed in.
  it('counts links and token_hash guesses: past the budget even the right link and hash get 429', async () => {
    const email = testEmail('hash');
    const { link, code } = await recoveryMail(email);
    const attacker = from('198.51.100.21');
    for (let i = 0; i < LIMIT; i++) {
      const guess = sha224(email + wrongCode(code, i));
      if (i % 2) {
        const { error } = await attacker.client.auth.verifyOtp({ token_hash: guess, type: 'recovery' });
        expect(error?.code).toBe('otp_expired');
      } else {
        const landed = await attacker.open(link.replace(/token=[^&]+/, `token=${guess}`));
        expect(landed.status).toBe(303);
        expect(new URLSearchParams(landed.location!.hash.slice(1)).get('error_code')).toBe('otp_expired');
      }
    }
    const hash = new URL(link).searchParams.get('token')!;
    // Hosted derives it as sha224(email + code); locally it is keyed by a server secret, so it
    // cannot be computed from the address (local/src/auth/email-tokens.ts says why).
    expect(hash).toMatch(/^[0-9a-f]{56}$/);
    expect(hash).not.toBe(sha224(email + code));
    const refused = await attacker.client.auth.verifyOtp({ token_hash: hash, type: 'recovery' });
    expect(refused.error?.status).toBe(429);
    expect(refused.error?.code).toBe('over_request_rate_limit');
    expect(refused.data.session).toBeNull();
    expect(await attacker.open(link)).toEqual({ status: 429, location: null, code: 'over_request_rate_limit' });

    // The owner, at another address, still uses the link, once.
    const owner = await from('198.51.100.22').open(link);
    expect(owner.status).toBe(303);
    expect(new URLSearchParams(owner.location!.hash.slice(1)).get('access_token')).toBeTruthy();
  });

  it('codes and hashes share the address budget; codes for one email run out across addresses too', async () => {
    const email = testEmail('code');
    const { code } = await recoveryMail(email);
    const half = LIMIT / 2;
    const first = from('198.51.100.31');
    for (let i = 0; i < half; i++) {
      expect((await first.client.auth.verifyOtp({ email, token: wrongCode(code, i), type: 'recovery' })).error?.code).toBe('otp_expired');
      expect((await first.client.auth.verifyOtp({ token_hash: sha224(`${email}x${i}`), type: 'recovery' })).error?.code).toBe('otp_expired');
    }
    // The address is spent, for another email's code as well.
    expect((await first.client.auth.verifyOtp({ email: testEmail('other'), token: code, type: 'recovery' })).error?.status).toBe(429);

    // The email has had `half` wrong codes; the rest of its budget from a second address ...
    const second = from('198.51.100.32');
    for (let i = half; i < LIMIT; i++) {
      expect((await second.client.auth.verifyOtp({ email, token: wrongCode(code, i), type: 'recovery' })).error?.code).toBe('otp_expired');
    }
    // ... and then even the right code from a third is refused: the email's budget is spent.
    const third = await from('198.51.100.33').client.auth.verifyOtp({ email, token: code, type: 'recovery' });
    expect(third.error?.code).toBe('over_request_rate_limit');
  });
});

describe('PUT /user with a reauthentication nonce (secure_password_change)', () => {
  // Without the limit, 3,000 wrong nonces were answered 422 and the right one set the password.
  it('counts each nonce: past the budget the right one gets 429, from any address, and the password stays', async () => {
    const email = testEmail('nonce');
    const { data } = await secure.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
    const thief = from('198.51.100.41', secure).client;
    expect((await thief.auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
    // A stolen session older than 24 hours needs the nonce mailed to the owner.
    await secure.db.sql`update auth.sessions set created_at = now() - interval '2 days' where user_id = ${data.user!.id}`;
    expect((await thief.auth.updateUser({ password: 'thief-pass-1' })).error?.code).toBe('reauthentication_needed');
    expect((await thief.auth.reauthenticate()).error).toBeNull();
    const nonce = mailCode(await waitForMail(secure.inboxUrl!, email));

    for (let i = 0; i < LIMIT; i++) {
      const { error } = await thief.auth.updateUser({ password: 'thief-pass-1', nonce: wrongCode(nonce, i) });
      expect(error?.code).toBe('reauthentication_not_valid');
    }
    const refused = await thief.auth.updateUser({ password: 'thief-pass-1', nonce });
    expect(refused.error?.status).toBe(429);
    expect(refused.error?.code).toBe('over_request_rate_limit');
    // The same stolen session from a fresh address: the user's budget is spent too.
    const session = (await thief.auth.getSession()).data.session!;
    const moved = from('198.51.100.42', secure).client;
    await moved.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    expect((await moved.auth.updateUser({ password: 'thief-pass-1', nonce })).error?.code).toBe('over_request_rate_limit');

    expect((await secure.client().auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
    expect((await secure.client().auth.signInWithPassword({ email, password: 'thief-pass-1' })).error?.code).toBe('invalid_credentials');
  });
});
