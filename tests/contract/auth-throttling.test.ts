/**
 * Sign-in throttling at the edges (issue 10, finding 6), through the real gateway:
 *  - an attempt counts before the password is hashed, so a burst of parallel guesses for one
 *    email gets at most the 5 allowed failures, the rest 429;
 *  - failures are counted per client address, and per email only together with the address
 *    (audit F8), so nobody elsewhere can lock an account's owner out;
 *  - X-Forwarded-For from the caller is not believed (no proxy is configured in front of
 *    the gateway), so rotating it does not mint fresh per-address budgets;
 *  - `Sb-Forwarded-For` moves the attempt to the forwarded address only with the secret key
 *    (what a server signing people in on their behalf uses), never with the publishable key.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

const PER_ADDRESS = 4;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { sign_in_sign_ups: PER_ADDRESS } } as never });
});
afterAll(async () => {
  await stack?.stop();
});

async function signIn(email: string, password: string, headers: Record<string, string> = {}, key = stack.keys.publishableKey) {
  const res = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: key, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

it('counts parallel guesses for one email before hashing: at most 5 are tried', async () => {
  const email = testEmail('burst');
  // A fresh forwarded address per burst keeps the per-address budget out of the picture.
  const headers = { 'sb-forwarded-for': '198.51.100.7' };
  const statuses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => signIn(email, `wrong-password-${i}`, headers, stack.keys.secretKey)),
  );
  expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(5);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
});

// Audit F8: five wrong passwords from anywhere used to lock the owner out for 5 minutes.
it('failures for an email from other addresses never lock its owner out; each of those addresses runs out', async () => {
  const email = testEmail('target');
  await stack.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  const secret = stack.keys.secretKey;
  for (let a = 0; a < 3; a++) {
    for (let i = 0; i < PER_ADDRESS; i++) expect(await signIn(email, `wrong-${a}-${i}`, { 'sb-forwarded-for': `203.0.113.${50 + a}` }, secret)).toBe(400);
  }
  // Twelve failures for the address, and the attackers' own addresses are spent ...
  expect(await signIn(email, TEST_PASSWORD, { 'sb-forwarded-for': '203.0.113.50' }, secret)).toBe(429);
  // ... but the owner, elsewhere, signs in.
  expect(await signIn(email, TEST_PASSWORD, { 'sb-forwarded-for': '192.0.2.99' }, secret)).toBe(200);
});

it('ignores a caller-chosen X-Forwarded-For: the socket address runs out of budget', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < PER_ADDRESS + 2; i++) {
    statuses.push(await signIn(testEmail(`spoof${i}`), 'wrong-password', { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `203.0.113.${i + 1}` }));
  }
  expect(statuses.slice(0, PER_ADDRESS)).toEqual(Array(PER_ADDRESS).fill(400));
  expect(statuses.slice(PER_ADDRESS)).toEqual([429, 429]);
  // The publishable key cannot vouch for another address either.
  expect(await signIn(testEmail('spoof-sbff'), 'wrong-password', { 'sb-forwarded-for': '203.0.113.200' })).toBe(429);
});

it('honours Sb-Forwarded-For with the secret key: one user\'s failures do not lock out another', async () => {
  const secret = stack.keys.secretKey;
  for (let i = 0; i < PER_ADDRESS; i++) {
    expect(await signIn(testEmail(`mallory${i}`), 'wrong-password', { 'sb-forwarded-for': '192.0.2.66' }, secret)).toBe(400);
  }
  expect(await signIn(testEmail('mallory-more'), 'wrong-password', { 'sb-forwarded-for': '192.0.2.66' }, secret)).toBe(429);
  // Someone else behind the same web server, at another address, still signs in.
  const email = testEmail('alice');
  const { error } = await stack.client().auth.signUp({ email, password: TEST_PASSWORD });
  expect(error).toBeNull();
  expect(await signIn(email, TEST_PASSWORD, { 'sb-forwarded-for': '192.0.2.77' }, secret)).toBe(200);
});

it('behind MRPROMPT_TRUSTED_PROXY_DEPTH=1, the address the proxy appended counts — not what the client typed before it', async () => {
  const proxied = await startTestStack({ functionsDir: NO_FUNCTIONS, trustedProxyDepth: 1, auth: { rate_limit: { sign_in_sign_ups: PER_ADDRESS } } as never });
  try {
    const attempt = (forwardedFor: string) =>
      fetch(`${proxied.apiUrl}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: proxied.keys.publishableKey, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ email: testEmail('proxied'), password: 'wrong-password' }),
      }).then(async (res) => (await res.arrayBuffer(), res.status));
    // The client prepends a different fake address each time; the proxy appended 192.0.2.10.
    for (let i = 0; i < PER_ADDRESS; i++) expect(await attempt(`10.9.9.${i}, 192.0.2.10`)).toBe(400);
    expect(await attempt('10.9.9.200, 192.0.2.10')).toBe(429);
    // Another client of the same proxy is unaffected.
    expect(await attempt('192.0.2.11')).toBe(400);
  } finally {
    await proxied.stop();
  }
});
