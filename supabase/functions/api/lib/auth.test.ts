// JWT verification when SUPABASE_JWKS is not in the environment: the JWKS is fetched from
// the auth server, cached for a while, refetched after it expires, and a JWKS server that
// never answers times out instead of hanging every request. Also the legacy HS256 path of
// hosted projects, where the secret can only be set as JWT_SECRET.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { generateKeys, signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { loadConfig } from '../config.ts';
import { createTokenVerifier } from './auth.ts';

let api: ApiHarness;
let server: http.Server;
let jwksRequests = 0;
let jwks = '{"keys":[]}';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/auth/v1/.well-known/jwks.json') {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(jwks);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = await createApiHarness({ env: { SUPABASE_JWKS: undefined, SUPABASE_URL: url } });
  jwks = JSON.stringify(api.keys.jwks);
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => server.close(resolve));
});

const env = (extra: Record<string, string | undefined>) => ({
  SUPABASE_URL: 'https://project.example.test',
  SUPABASE_DB_URL: 'postgresql://unused',
  CREDENTIALS_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`,
  ...extra,
});

it('fetches the JWKS from the auth server once and caches it', async () => {
  const alice = await api.createUser();
  const before = jwksRequests;
  for (let i = 0; i < 3; i++) expect((await alice.request('GET', '/credentials')).status).toBe(200);
  expect(jwksRequests - before).toBeLessThanOrEqual(1);
});

it('refuses a token signed by a key the auth server does not publish', async () => {
  const alice = await api.createUser();
  const stranger = await generateKeys();
  const forged = await signAccessToken({ ...stranger, signingKey: { ...stranger.signingKey, kid: api.keys.signingKey.kid } }, { sub: alice.id, iss: `${api.config.supabaseUrl}/auth/v1` });
  const res = await api.request('GET', '/credentials', undefined, { authorization: `Bearer ${forged}` });
  expect(res.status).toBe(401);
});

it('refetches the JWKS once the cached copy is older than its lifetime (a revoked key stops working)', async () => {
  const keys = await generateKeys();
  let served = JSON.stringify(keys.jwks);
  let fetches = 0;
  const fakeFetch: typeof fetch = async () => {
    fetches++;
    return new Response(served, { headers: { 'content-type': 'application/json' } });
  };
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const verify = createTokenVerifier(loadConfig(env({})), fakeFetch);
    const token = await signAccessToken(keys, { sub: crypto.randomUUID(), iss: 'https://project.example.test/auth/v1' });
    await verify(token);
    await verify(token);
    expect(fetches).toBe(1);
    // The auth server drops the key (rotation, revocation); after the cache lifetime the
    // old key must no longer verify.
    served = '{"keys":[]}';
    vi.setSystemTime(Date.now() + 11 * 60_000);
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
    expect(fetches).toBeGreaterThanOrEqual(2);
  } finally {
    vi.useRealTimers();
  }
});

it('gives up on a JWKS server that never answers (503, not a hung request)', async () => {
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
  const verify = createTokenVerifier(loadConfig(env({})), hanging);
  const keys = await generateKeys();
  const token = await signAccessToken(keys, { sub: crypto.randomUUID(), iss: 'https://project.example.test/auth/v1' });
  await expect(verify(token)).rejects.toMatchObject({ status: 503 });
}, 15_000);

it('verifies legacy HS256 tokens with an unprefixed JWT_SECRET (hosted projects cannot set SUPABASE_*)', async () => {
  const secret = 'legacy-project-jwt-secret-at-least-32-characters';
  const sign = (key: string, iss = 'https://project.example.test/auth/v1') =>
    new SignJWT({ sub: crypto.randomUUID(), role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(iss)
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(key));
  const noFetch: typeof fetch = async () => new Response('{"keys":[]}');
  const withSecret = createTokenVerifier(loadConfig(env({ JWT_SECRET: secret })), noFetch);
  await expect(withSecret(await sign(secret))).resolves.toMatchObject({ id: expect.any(String) });
  await expect(withSecret(await sign('another-secret-of-the-same-length-xxxxxxxxxx'))).rejects.toMatchObject({ status: 401 });
  await expect(withSecret(await sign(secret, 'https://other-project.example.test/auth/v1'))).rejects.toMatchObject({ status: 401 });
  // Without it, HS256 tokens are refused (what every hosted call answered before).
  const without = createTokenVerifier(loadConfig(env({})), noFetch);
  await expect(without(await sign(secret))).rejects.toMatchObject({ status: 401 });
});

it('checks a write’s token once, however many route files share its path', async () => {
  const alice = await api.createUser();
  const { id } = await (await alice.request('POST', '/sessions', { title: 'Checked once' })).json();
  const checks = vi.spyOn(api.apiDb, 'requireSessionAccess');
  try {
    // Nine route files each require a user under /sessions: the first mounted, a middle one, the last.
    const asked = [
      await alice.request('PATCH', `/sessions/${id}`, { title: 'Renamed' }),
      await alice.request('POST', `/sessions/${id}/decline`),
      await alice.request('POST', `/sessions/${id}/title`),
    ];
    expect(asked[0]!.status).toBe(200);
    expect(checks).toHaveBeenCalledTimes(asked.length);
  } finally {
    checks.mockRestore();
  }
});
