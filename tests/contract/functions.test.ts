/**
 * Edge Functions contract: the official supabase-js (2.119.1) `functions.invoke` against real
 * Deno processes behind the local gateway (tests/fixtures/functions, and the real API
 * function). Lifecycle cases the stack's config.toml cannot express here are in
 * functions-lifecycle.test.ts.
 */
import http from 'node:http';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys, signAccessToken } from '../../local/src/keys/index.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';
import { eventually, FIXTURES, readUntil } from './functions-helpers.ts';

describe('through the gateway with supabase-js', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ functionsDir: FIXTURES });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('invoke returns the JSON a function answers, with the path, headers and body it received', async () => {
    const { data, error } = await stack.client().functions.invoke('echo', { body: { hello: 'world' }, headers: { 'x-custom': 'yes' } });
    expect(error).toBeNull();
    expect(data.method).toBe('POST');
    expect(data.path).toBe('/echo');
    expect(JSON.parse(data.body)).toEqual({ hello: 'world' });
    expect(data.headers['content-type']).toBe('application/json');
    expect(data.headers['x-custom']).toBe('yes');
    expect(data.headers.apikey).toBe(stack.keys.publishableKey);
    // No session: the gateway turned the publishable key into the anon JWT, as Kong does.
    expect(data.headers.authorization).toBe(`Bearer ${stack.keys.anonKey}`);
    expect(data.headers['x-forwarded-for']).toBeTruthy();
    expect(data.headers['x-real-ip']).toBeTruthy();
    expect(data.headers['x-forwarded-proto']).toBe('http');
  });

  it('passes sub-paths, query strings and the method through', async () => {
    const { data, error } = await stack.client().functions.invoke('echo/items/42?sort=desc', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ method: 'GET', path: '/echo/items/42', query: '?sort=desc', body: '' });
  });

  it("forwards a signed-in user's access token", async () => {
    const client = stack.client();
    const { data: signUp, error: signUpError } = await client.auth.signUp({ email: testEmail('fn'), password: TEST_PASSWORD });
    expect(signUpError).toBeNull();
    const { data, error } = await client.functions.invoke('echo', { body: 'plain text' });
    expect(error).toBeNull();
    expect(data.headers.authorization).toBe(`Bearer ${signUp.session!.access_token}`);
    expect(data.headers['content-type']).toBe('text/plain');
    expect(data.body).toBe('plain text');
  });

  it('gives the function the platform environment and nothing internal', async () => {
    const { data, error } = await stack.client().functions.invoke('echo/env', { method: 'GET' });
    expect(error).toBeNull();
    expect(data.present).toEqual({
      SUPABASE_URL: true, SUPABASE_ANON_KEY: true, SUPABASE_SERVICE_ROLE_KEY: true, SUPABASE_DB_URL: true,
      SUPABASE_JWKS: true, SUPABASE_INTERNAL_HOST: false, HOME: false,
    });
  });

  it("streams Server-Sent Events: the first event arrives before the last one is produced", async () => {
    const client = stack.client();
    const id = crypto.randomUUID();
    const { data, error } = await client.functions.invoke('sse', { body: { id, count: 3 } });
    expect(error).toBeNull();
    expect(data).toBeInstanceOf(Response);
    const reader = (data as Response).body!.getReader();
    const first = await readUntil(reader, 'id:2');
    expect(first).toContain('event:tick');
    expect(first).not.toContain('event:done');
    // The function writes its last event only once released, i.e. after we hold the first.
    const release = await client.functions.invoke(`sse/release?id=${id}`, { method: 'GET' });
    expect(release.error).toBeNull();
    const all = await readUntil(reader, 'event:done', first);
    expect(all).toContain('data:{"n":3}');
    expect((await reader.read()).done).toBe(true);
  });

  it('streams the request body too: the function answers each chunk before the upload ends', async () => {
    const url = new URL(`${stack.apiUrl}/functions/v1/echo/stream`);
    const request = http.request(url, {
      method: 'POST',
      headers: { apikey: stack.keys.publishableKey, 'content-type': 'application/octet-stream' },
    });
    const response = new Promise<http.IncomingMessage>((resolve, reject) => request.on('response', resolve).on('error', reject));
    request.write('first-chunk;');
    request.flushHeaders();
    const res = await response;
    expect(res.statusCode).toBe(200);
    const received: string[] = [];
    const nextData = () =>
      new Promise<void>((resolve) => {
        res.once('data', (chunk: Buffer) => {
          received.push(chunk.toString());
          resolve();
        });
      });
    await nextData();
    // The first chunk made the round trip while the upload is still open.
    expect(received.join('')).toBe('first-chunk;');
    request.end('second-chunk');
    await new Promise((resolve) => res.on('data', (chunk: Buffer) => received.push(chunk.toString())).on('end', resolve));
    expect(received.join('')).toBe('first-chunk;second-chunk');
  });

  it('aborts the function\'s request when the client goes away mid-stream', async () => {
    const client = stack.client();
    const id = crypto.randomUUID();
    const controller = new AbortController();
    const { data, error } = await client.functions.invoke('sse', { body: { id, count: 3 }, signal: controller.signal });
    expect(error).toBeNull();
    const reader = (data as Response).body!.getReader();
    await readUntil(reader, 'id:1');
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const aborted = await eventually(async () => {
      const status = await client.functions.invoke(`sse/status?id=${id}`, { method: 'GET' });
      return status.data?.aborted === true ? true : undefined;
    });
    expect(aborted).toBe(true);
  });

  it('provides EdgeRuntime.waitUntil: background work runs after the response', async () => {
    const client = stack.client();
    const before = await client.functions.invoke('echo/background-runs', { method: 'GET' });
    const scheduled = await client.functions.invoke('echo/background', { method: 'POST' });
    expect(scheduled.data).toEqual({ scheduled: true });
    const runs = await eventually(async () => {
      const { data } = await client.functions.invoke('echo/background-runs', { method: 'GET' });
      return data.runs > before.data.runs ? data.runs : undefined;
    });
    expect(runs).toBe(before.data.runs + 1);
  });

  describe('verify_jwt', () => {
    const url = () => `${stack.apiUrl}/functions/v1/echo`;

    it('answers 401 without an Authorization header', async () => {
      const res = await fetch(url(), { method: 'POST' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ msg: 'Error: Missing authorization header' });
    });

    it('answers 401 to a non-Bearer scheme', async () => {
      const res = await fetch(url(), { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ msg: "Error: Auth header is not 'Bearer {token}'" });
    });

    it('answers 401 Invalid JWT to garbage, foreign and expired tokens (FunctionsHttpError)', async () => {
      const foreign = await signAccessToken(await generateKeys(), { sub: crypto.randomUUID() });
      const expired = await signAccessToken(stack.keys, { sub: crypto.randomUUID() }, { issuedAt: Math.floor(Date.now() / 1000) - 7200 });
      for (const token of ['not-a-jwt', foreign, expired]) {
        const { data, error } = await stack.client().functions.invoke('echo', { headers: { Authorization: `Bearer ${token}` } });
        expect(data).toBeNull();
        expect(error).toBeInstanceOf(FunctionsHttpError);
        const response: Response = error.context;
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ msg: 'Invalid JWT' });
      }
    });

    it('accepts the anon key, the service key and a user token', async () => {
      const user = await signAccessToken(stack.keys, { sub: crypto.randomUUID() });
      for (const token of [stack.keys.anonKey, stack.keys.serviceRoleKey, user]) {
        const res = await fetch(url(), { headers: { Authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    });

    it('never blocks OPTIONS (CORS preflight reaches the function)', async () => {
      const res = await fetch(url(), { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' } });
      expect(res.status).toBe(200);
      expect((await res.json()).method).toBe('OPTIONS');
    });
  });

  it('answers 404 text/plain "Function not found" for an unknown function', async () => {
    const { error } = await stack.client().functions.invoke('no-such-function');
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response: Response = error.context;
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Function not found');
  });

  it('restarts a function whose process crashed, which then answers again', async () => {
    const client = stack.client();
    const before = await client.functions.invoke('crash', { method: 'GET' });
    expect(before.error).toBeNull();

    const crash = await client.functions.invoke('crash/exit');
    expect(crash.error).toBeInstanceOf(FunctionsHttpError);
    expect([500, 503]).toContain((crash.error.context as Response).status);

    const after = await eventually(async () => {
      const { data, error } = await client.functions.invoke('crash', { method: 'GET' });
      if (error) expect([500, 503]).toContain((error.context as Response).status);
      return data ?? undefined;
    });
    expect(after.ok).toBe(true);
    expect(after.pid).not.toBe(before.data.pid);
    expect(stack.functions.status().find((fn) => fn.slug === 'crash')?.restarts).toBeGreaterThanOrEqual(1);
  });
});

describe('the API function (supabase/functions/api)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('boots in Deno with its deno.json npm imports and answers through the gateway', async () => {
    const res = await fetch(`${stack.apiUrl}/functions/v1/api/health`, { headers: { apikey: stack.keys.publishableKey } });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(stack.functions.status().find((fn) => fn.slug === 'api')?.state).toBe('ready');
  }, 90_000); // a fresh clone's first boot downloads the API's npm packages
});
