/**
 * Forged and misused access tokens (issue 6, item 3): every classic JWT attack is refused with
 * 401 and the one error shape, on read and write routes alike, and a genuine token for the
 * same user still works (so the 401s are about the token, not the route).
 */
import { createPublicKey, createSecretKey } from 'node:crypto';
import { SignJWT, base64url, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys, signAccessToken } from '../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';

let api: ApiHarness;
let alice: ApiUser;

beforeAll(async () => {
  api = await createApiHarness();
  alice = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub, aud: 'authenticated', role: 'authenticated', email: 'attacker@example.test', iat: now(), exp: now() + 3600,
  iss: `${api.config.supabaseUrl}/auth/v1`, ...extra,
});
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

/** Requests that must all be refused for a bad token: reads, writes and the chat stream. */
const probes: [string, string, unknown?][] = [
  ['GET', '/me'],
  ['GET', '/sessions'],
  ['POST', '/projects', { name: 'should not exist' }],
  ['PUT', '/credentials/openai', { api_key: 'sk-should-not-be-stored' }],
  ['POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'hello' }],
];

async function expectRefused(token: string) {
  for (const [method, path, body] of probes) {
    const res = await api.request(method, path, body, { authorization: `Bearer ${token}` });
    expect(res.status, `${method} ${path}`).toBe(401);
    const json = await res.json();
    expect(json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  }
}

describe('tokens that must be refused with 401', () => {
  it('alg "none" (unsigned), with and without a trailing signature', async () => {
    const header = encode({ alg: 'none', typ: 'JWT' });
    const payload = encode(claimsFor(alice.id));
    await expectRefused(`${header}.${payload}.`);
    await expectRefused(`${header}.${payload}`);
    // "None"/"NONE" spellings that some libraries once accepted.
    await expectRefused(`${encode({ alg: 'None', typ: 'JWT' })}.${payload}.`);
  });

  it('HS256 signed with the public key (algorithm confusion)', async () => {
    const publicJwk = api.keys.jwks.keys[0]!;
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    for (const secret of [pem, JSON.stringify(publicJwk), String(publicJwk.x)]) {
      const token = await new SignJWT(claimsFor(alice.id))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid })
        .sign(createSecretKey(Buffer.from(secret)));
      await expectRefused(token);
    }
  });

  it('expired, and not yet valid', async () => {
    await expectRefused(await signAccessToken(api.keys, { sub: alice.id }, { issuedAt: now() - 7200, expiresInSeconds: 60 }));
    const key = await importJWK(api.keys.signingKey, 'ES256');
    const future = await new SignJWT(claimsFor(alice.id, { nbf: now() + 3600 }))
      .setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid, typ: 'JWT' })
      .sign(key);
    await expectRefused(future);
  });

  it('a wrong or missing audience, and the anon / service_role roles', async () => {
    await expectRefused(await signAccessToken(api.keys, { sub: alice.id, aud: 'anon' }));
    await expectRefused(await signAccessToken(api.keys, { sub: alice.id, aud: 'https://evil.example' }));
    const key = await importJWK(api.keys.signingKey, 'ES256');
    const { aud: _aud, ...noAudience } = claimsFor(alice.id);
    await expectRefused(await new SignJWT(noAudience).setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid }).sign(key));
    // The legacy anon and service_role keys are valid JWTs, but not a signed-in user.
    await expectRefused(api.keys.anonKey);
    await expectRefused(api.keys.serviceRoleKey);
  });

  it('a token from another signing key, with our kid or its own', async () => {
    const other = await generateKeys();
    await expectRefused(await signAccessToken(other, { sub: alice.id }));
    const foreign = await importJWK(other.signingKey as JWK, 'ES256');
    await expectRefused(await new SignJWT(claimsFor(alice.id)).setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid }).sign(foreign));
    // HS256 with another stack's legacy secret.
    await expectRefused(await new SignJWT(claimsFor(alice.id)).setProtectedHeader({ alg: 'HS256' }).sign(createSecretKey(Buffer.from(other.jwtSecret))));
  });

  it('a token issued by another auth server, or with no issuer (issue 10, finding 8)', async () => {
    const key = await importJWK(api.keys.signingKey, 'ES256');
    const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid }).sign(key);
    await expectRefused(await sign(claimsFor(alice.id, { iss: 'https://evil.example/auth/v1' })));
    const { iss: _iss, ...noIssuer } = claimsFor(alice.id);
    await expectRefused(await sign(noIssuer));
    // The same claims with the right issuer pass (so the refusals above are about iss).
    expect((await api.request('GET', '/me', undefined, { authorization: `Bearer ${await sign(claimsFor(alice.id))}` })).status).toBe(200);
  });

  it('a tampered payload, a missing sub, a non-uuid sub, and garbage', async () => {
    const genuine = await signAccessToken(api.keys, { sub: alice.id });
    const [header, , signature] = genuine.split('.');
    await expectRefused(`${header}.${encode(claimsFor(crypto.randomUUID()))}.${signature}`);
    const key = await importJWK(api.keys.signingKey, 'ES256');
    const { sub: _sub, ...noSub } = claimsFor(alice.id);
    await expectRefused(await new SignJWT(noSub).setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid }).sign(key));
    await expectRefused(await new SignJWT(claimsFor("1' or '1'='1")).setProtectedHeader({ alg: 'ES256', kid: api.keys.signingKey.kid }).sign(key));
    for (const junk of ['', 'null', 'a.b.c', '....', 'Bearer', `${header}..`, 'x'.repeat(10_000)]) await expectRefused(junk);
  });

  it('no Authorization header, or another scheme', async () => {
    for (const [method, path, body] of probes) {
      for (const headers of <Record<string, string>[]>[{}, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, { authorization: alice.token }]) {
        const res = await api.request(method, path, body, headers);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
    }
  });
});

it('the genuine token for the same user is accepted (control)', async () => {
  const res = await alice.request('GET', '/me');
  expect(res.status).toBe(200);
});
