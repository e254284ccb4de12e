/**
 * Gateway contract: CORS (https://supabase.com/docs/guides/functions/cors), the API-key mapping
 * (https://supabase.com/docs/guides/api/api-keys) as a function and the realtime
 * socket observe it, routing, and streaming responses through without buffering.
 */
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapAuthorization, mapUpgradeUrl } from '../../local/src/gateway/api-keys.ts';
import { ROOT } from '../../local/src/paths.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: path.join(ROOT, 'tests', 'fixtures', 'functions') });
});
afterAll(async () => {
  await stack?.stop();
});

interface Echo {
  path: string;
  headers: Record<string, string>;
}

function roleOf(authorization: string | undefined): unknown {
  return decodeJwt(String(authorization).replace(/^Bearer /, '')).role;
}

describe('API-key mapping', () => {
  const keys = { publishableKey: 'sb_publishable_p', secretKey: 'sb_secret_s', anonKey: 'anon.jwt', serviceRoleKey: 'service.jwt' };

  it('applies the Kong rules in order', () => {
    expect(mapAuthorization({ authorization: 'Bearer user.jwt', apikey: keys.secretKey }, keys)).toBe('Bearer user.jwt');
    expect(mapAuthorization({ authorization: `Bearer ${keys.secretKey}`, apikey: keys.secretKey }, keys)).toBe('Bearer service.jwt');
    expect(mapAuthorization({ apikey: keys.secretKey }, keys)).toBe('Bearer service.jwt');
    expect(mapAuthorization({ apikey: keys.publishableKey }, keys)).toBe('Bearer anon.jwt');
    expect(mapAuthorization({ authorization: `Bearer ${keys.publishableKey}` }, keys)).toBe('Bearer anon.jwt');
    expect(mapAuthorization({ apikey: 'Bearer legacy.jwt' }, keys)).toBe('Bearer legacy.jwt');
    expect(mapAuthorization({}, keys)).toBeUndefined();
    expect(mapUpgradeUrl(`/realtime/v1/websocket?apikey=${keys.publishableKey}&vsn=2.0.0`, keys))
      .toBe('/realtime/v1/websocket?apikey=anon.jwt&vsn=2.0.0');
  });

  it('turns the publishable key into the anon role at a function, the secret key into service_role', async () => {
    const anon = await stack.client().functions.invoke<Echo>('echo', { method: 'GET' });
    expect(anon.error).toBeNull();
    expect(anon.data?.path).toBe('/echo');
    expect(roleOf(anon.data?.headers.authorization)).toBe('anon');
    expect(anon.data?.headers.apikey).toBe(stack.keys.publishableKey);

    const service = await stack.admin().functions.invoke<Echo>('echo', { method: 'GET' });
    expect(roleOf(service.data?.headers.authorization)).toBe('service_role');
  });

  it('passes a signed-in user\'s own JWT through unchanged', async () => {
    const client = stack.client();
    const { data } = await client.auth.signUp({ email: testEmail('gw'), password: TEST_PASSWORD });
    const echo = await client.functions.invoke<Echo>('echo/sub/path?x=1', { body: { hello: 'world' } });
    expect(echo.data?.path).toBe('/echo/sub/path');
    expect(echo.data?.headers.authorization).toBe(`Bearer ${data.session!.access_token}`);
    expect(roleOf(echo.data?.headers.authorization)).toBe('authenticated');
  });

  it('leaves an unknown key unmapped, so verify_jwt refuses it; no key at all is refused too', async () => {
    const unknown = await fetch(`${stack.apiUrl}/functions/v1/echo`, { headers: { apikey: 'sb_publishable_not-ours' } });
    expect(unknown.status).toBe(401);
    const none = await fetch(`${stack.apiUrl}/functions/v1/echo`);
    expect(none.status).toBe(401);
    const forged = await fetch(`${stack.apiUrl}/functions/v1/echo`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(forged.status).toBe(401);
  });

  it('maps the realtime socket apikey, so a publishable-key client can join', async () => {
    const client = stack.client();
    const channel = client.channel('gateway-test');
    const status = await new Promise<string>((resolve) => channel.subscribe((state) => {
      if (state !== 'CLOSED') resolve(state);
    }));
    expect(status).toBe('SUBSCRIBED');
    await client.removeAllChannels();
  });
});

describe('CORS', () => {
  it('answers a preflight with the methods and headers supabase-js sends', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'apikey, authorization, content-type, x-client-info, x-supabase-api-version, x-custom',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')!;
    for (const header of ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version', 'x-custom']) {
      expect(allowed).toContain(header);
    }
  });

  it('exposes X-Supabase-Api-Version on auth errors, so a browser can read the error code', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/json', Origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: testEmail(), password: 'wrong-password-1' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(response.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await response.json()).toMatchObject({ code: 'invalid_credentials', error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });
});

describe('routing', () => {
  it('says plainly that PostgREST is not served here, and hands /storage/v1 to Storage', async () => {
    const rest = await fetch(`${stack.apiUrl}/rest/v1/profiles?select=*`, { headers: { apikey: stack.keys.publishableKey } });
    expect(rest.status).toBe(404);
    expect(await rest.json()).toMatchObject({ code: 'not_served' });
    // The publishable key maps to the anon role, which RLS on storage.buckets shows nothing.
    const buckets = await fetch(`${stack.apiUrl}/storage/v1/bucket`, { headers: { apikey: stack.keys.publishableKey } });
    expect(buckets.status).toBe(200);
    expect(await buckets.json()).toEqual([]);
    expect((await fetch(`${stack.apiUrl}/nowhere`)).status).toBe(404);
    expect((await fetch(`${stack.apiUrl}/functions/v1/no-such-function`, { headers: { apikey: stack.keys.publishableKey } })).status).toBe(404);
  });

  it('streams a function\'s Server-Sent Events through chunk by chunk', async () => {
    const id = crypto.randomUUID();
    const { data, error } = await stack.client().functions.invoke<Response>('sse', { body: { id, count: 3 } });
    expect(error).toBeNull();
    const reader = data!.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"n":2')) text += decoder.decode((await reader.read()).value);
    // The last event does not exist yet: it is produced only after this release.
    expect(text).not.toContain('event:done');
    const release = await fetch(`${stack.apiUrl}/functions/v1/sse/release?id=${id}`, { headers: { apikey: stack.keys.publishableKey } });
    expect(release.status).toBe(200);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
    expect(text).toContain('event:done');
  });
});
