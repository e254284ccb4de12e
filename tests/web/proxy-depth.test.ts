/**
 * MRPROMPT_TRUSTED_PROXY_DEPTH larger than the chain of proxies really in front (QA10 #4's
 * second half): adapter-node cannot find the browser's address in X-Forwarded-For, and
 * SvelteKit's getClientAddress() throws. Sign-in used to answer 500. It now works, counted
 * by the connection's address, and the web app's log says once which setting is wrong —
 * with how many addresses it saw, never the addresses.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeys } from '../../local/src/keys/index.ts';
import { type Stack } from '../../local/src/stack.ts';
import { ensureWebBuild, startStackWithWeb } from '../e2e/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { NO_FUNCTIONS, signInThroughWeb as signInAt, TEST_PASSWORD, testEmail } from '../helpers/stack.ts';

const PER_ADDRESS = 3;
const logs: string[] = [];
let db: TestDatabase;
let stack: Stack;

beforeAll(async () => {
  await ensureWebBuild();
  db = await createTestDatabase();
  stack = await startStackWithWeb({
    databaseUrl: db.url, keys: await generateKeys(), functionsDir: NO_FUNCTIONS,
    // Three proxies promised; the requests below come straight in, or through one.
    trustedProxyDepth: 3,
    auth: { rate_limit: { sign_in_sign_ups: PER_ADDRESS } } as never,
    log: (line) => logs.push(line),
  });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

const signInThroughWeb = (email: string, password: string, forwardedFor?: string) =>
  signInAt(stack.webUrl!, email, password, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {});

it('signs people in when fewer proxies stand in front than MRPROMPT_TRUSTED_PROXY_DEPTH says, and tells the administrator once', async () => {
  const email = testEmail('behind-fewer-proxies');
  const signup = await fetch(`${stack.apiUrl}/auth/v1/signup`, {
    method: 'POST', headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(signup.status).toBe(200);

  expect(await signInThroughWeb(email, TEST_PASSWORD)).toBe('signed in');
  expect(await signInThroughWeb(email, TEST_PASSWORD, '203.0.113.61')).toBe('signed in');

  const warnings = logs.filter((line) => line.includes('MRPROMPT_TRUSTED_PROXY_DEPTH'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("MRPROMPT_TRUSTED_PROXY_DEPTH (adapter-node's XFF_DEPTH) is 3, but a request's X-Forwarded-For named 0 addresses");
  expect(logs.join('\n')).not.toContain('203.0.113.61');
});

it('still limits failed sign-ins then: a client cannot get a fresh limit by changing a too-short X-Forwarded-For', async () => {
  const answers: string[] = [];
  for (let i = 0; i <= PER_ADDRESS; i++) {
    answers.push(await signInThroughWeb(testEmail(`guess${i}`), 'wrong-password', `198.51.100.${i + 1}`));
  }
  expect(answers).toEqual([...Array<string>(PER_ADDRESS).fill('wrong password'), 'rate limited']);
});

it('nor by writing a header as long as the depth: once the setting showed wrong, no header is believed', async () => {
  const answers: string[] = [];
  for (let i = 0; i < 3; i++) {
    answers.push(await signInThroughWeb(testEmail(`long${i}`), 'wrong-password', `198.51.100.${50 + i}, 10.0.0.1, 10.0.0.2`));
  }
  // The connection's limit was used up above: a made-up first address does not open a new one.
  expect(answers).toEqual(['rate limited', 'rate limited', 'rate limited']);
});
