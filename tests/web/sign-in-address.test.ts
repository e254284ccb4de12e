/**
 * Sign-in throttling through the real web app (issue 10, finding 6): the web server signs
 * everyone in from its own address, so it vouches for each browser's address (with the
 * secret key, Sb-Forwarded-For). One browser's failures then lock out that browser, not
 * every user of the site. adapter-node learns the browser's address from ADDRESS_HEADER, as
 * behind any reverse proxy.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeys } from '../../local/src/keys/index.ts';
import { type Stack } from '../../local/src/stack.ts';
import { ensureWebBuild, startStackWithWeb } from '../e2e/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { confirmLink, waitForMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, signInThroughWeb as signInAt, TEST_PASSWORD, testEmail } from '../helpers/stack.ts';

const PER_ADDRESS = 3;
let db: TestDatabase;
let stack: Stack;

beforeAll(async () => {
  await ensureWebBuild();
  db = await createTestDatabase();
  // The web app is a child process started with this environment.
  process.env.ADDRESS_HEADER = 'x-test-client-address';
  stack = await startStackWithWeb({
    databaseUrl: db.url, keys: await generateKeys(),
    functionsDir: NO_FUNCTIONS, auth: { rate_limit: { sign_in_sign_ups: PER_ADDRESS, token_verifications: PER_ADDRESS } } as never, log: () => {},
  });
}, 300_000);
afterAll(async () => {
  delete process.env.ADDRESS_HEADER;
  await stack?.stop();
  await db?.drop();
});

const signInThroughWeb = (email: string, password: string, address: string) =>
  signInAt(stack.webUrl!, email, password, { 'x-test-client-address': address });

it("one browser's failed sign-ins lock out that browser, not another user of the site", async () => {
  const email = testEmail('victim');
  const signup = await fetch(`${stack.apiUrl}/auth/v1/signup`, {
    method: 'POST', headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(signup.status).toBe(200);

  const attacker = '198.51.100.23';
  for (let i = 0; i < PER_ADDRESS; i++) {
    expect(await signInThroughWeb(testEmail(`guess${i}`), 'wrong-password', attacker)).toBe('wrong password');
  }
  expect(await signInThroughWeb(testEmail('guess-more'), 'wrong-password', attacker)).toBe('rate limited');
  // The real user, from their own address, through the same web server, still signs in.
  expect(await signInThroughWeb(email, TEST_PASSWORD, '203.0.113.50')).toBe('signed in');
});

/** The button of an email link's page (/auth/confirm), posted from `address`. */
async function useLinkThroughWeb(tokenHash: string, address: string): Promise<{ status: number; location: string | null; text: string }> {
  const web = stack.webUrl!;
  const res = await fetch(`${web}/auth/confirm`, {
    method: 'POST', redirect: 'manual',
    headers: { origin: web, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'x-test-client-address': address },
    body: new URLSearchParams({ token_hash: tokenHash, type: 'recovery', next: '/reset-password' }),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

it("one browser's guessed email links are held back for that browser, not for a person opening a real link", async () => {
  // Auth counts /verify per client address (token_verifications); the web server vouches for the browser's.
  const guesser = '198.51.100.77';
  for (let i = 0; i < PER_ADDRESS; i++) {
    expect(await useLinkThroughWeb(`pkce_${String(i).repeat(56)}`, guesser)).toMatchObject({ status: 303, location: '/login/forgot?error=link_expired' });
  }
  const held = await useLinkThroughWeb('pkce_' + 'f'.repeat(56), guesser);
  expect(held.status).toBe(429);
  expect(held.text).toContain('Too many links were tried from here; the link was not used.');

  const email = testEmail('resetting');
  const headers = { apikey: stack.keys.publishableKey, 'content-type': 'application/json' };
  expect((await fetch(`${stack.apiUrl}/auth/v1/signup`, { method: 'POST', headers, body: JSON.stringify({ email, password: TEST_PASSWORD }) })).status).toBe(200);
  expect((await fetch(`${stack.apiUrl}/auth/v1/recover`, { method: 'POST', headers, body: JSON.stringify({ email }) })).status).toBe(200);
  const tokenHash = new URL(confirmLink(await waitForMail(stack.inboxUrl!, email))).searchParams.get('token_hash')!;
  expect(await useLinkThroughWeb(tokenHash, '203.0.113.51')).toMatchObject({ status: 303, location: '/reset-password' });
});
