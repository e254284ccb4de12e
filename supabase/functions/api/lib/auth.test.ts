// JWT verification when SUPABASE_JWKS is not in the environment: the JWKS is fetched from
// the auth server once and cached; a token signed by a key the server does not publish fails.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeys, signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
let server: http.Server;
let jwksRequests = 0;
beforeAll(async () => {
  let jwks = '{"keys":[]}';
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

it('fetches the JWKS from the auth server once and caches it', async () => {
  const alice = await api.createUser();
  for (let i = 0; i < 3; i++) expect((await alice.request('GET', '/credentials')).status).toBe(200);
  expect(jwksRequests).toBe(1);
});

it('refuses a token signed by a key the auth server does not publish', async () => {
  const alice = await api.createUser();
  const stranger = await generateKeys();
  const forged = await signAccessToken({ ...stranger, signingKey: { ...stranger.signingKey, kid: api.keys.signingKey.kid } }, { sub: alice.id });
  const res = await api.request('GET', '/credentials', undefined, { authorization: `Bearer ${forged}` });
  expect(res.status).toBe(401);
});
