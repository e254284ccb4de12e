// App-level behaviour shared by every route: auth, errors, CORS, request ids, body limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url } from 'jose';
import { createApiHarness, type ApiHarness } from '../../../tests/helpers/api.ts';
import { signAccessToken } from '../../../local/src/keys/index.ts';
import { createApp } from './app.ts';
import { createDb } from './lib/db.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { MAX_BODY_BYTES: '2048' } });
});
afterAll(async () => {
  await api?.close();
});

describe('app', () => {
  it('answers health without a token, with a request id', async () => {
    const res = await api.request('GET', '/health');
    expect(res.status).toBe(200);
    // The embedded Postgres has no pgvector; hosted Supabase reports `available` or `installed`.
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', vector: expect.stringMatching(/^(installed|available|absent)$/) });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('says what to send when a body is not sent as JSON (415)', async () => {
    const user = await api.createUser();
    const body = JSON.stringify({ title: 'Untyped' });
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const res = await api.app.request('/api/sessions', { method: 'POST', body, headers: { authorization: `Bearer ${user.token}`, ...headers } });
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({ error: { code: 'unsupported_media_type', message: 'Send the body as JSON, with the header content-type: application/json' } });
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await api.request('GET', '/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('allows listed CORS origins only', async () => {
    const ok = await api.request('OPTIONS', '/health', undefined, { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const evil = await api.request('OPTIONS', '/health', undefined, { origin: 'https://evil.example', 'access-control-request-method': 'GET' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin send what the openai SDK and the docs send, and read the headers the docs name', async () => {
    // What openai@6 sends from a browser (dangerouslyAllowBrowser), the gateway's prompt header, and a prompt revalidation.
    const sent = ['authorization', 'content-type', 'x-stainless-os', 'x-stainless-lang', 'x-stainless-arch', 'x-stainless-runtime', 'x-stainless-runtime-version',
      'x-stainless-package-version', 'x-stainless-retry-count', 'x-stainless-timeout', 'x-mrprompt-prompt', 'if-none-match'];
    const preflight = await api.request('OPTIONS', '/v1/chat/completions', undefined, {
      origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': sent.join(','),
    });
    const allowed = preflight.headers.get('access-control-allow-headers')?.split(',') ?? [];
    expect(sent.filter((header) => !allowed.includes(header))).toEqual([]);
    const res = await api.request('GET', '/health', undefined, { origin: 'http://localhost:5173' });
    expect(res.headers.get('access-control-expose-headers')?.split(',')).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'etag', 'x-mrprompt-usage-log-id']));
  });
});

describe('route groups loaded on first use', () => {
  const document = async (app: ReturnType<typeof createApp>) => await (await app.request('/api/openapi.json')).text();

  it('serves the same OpenAPI document whichever groups a new app loaded before', async () => {
    const cold = createApp(api.config, { db: api.apiDb, log: () => {} });
    const warmed = createApp(api.config, { db: api.apiDb, log: () => {} });
    const user = await api.createUser();
    for (const path of ['/api/sessions', '/api/health', '/api/v1/models', '/api/prompts']) {
      const res = await warmed.request(path, { headers: { authorization: `Bearer ${user.token}` } });
      expect(res.status, path).toBe(200);
    }
    const served = await document(cold);
    expect(JSON.parse(served).paths['/api/sessions']).toBeDefined();
    expect(await document(warmed)).toBe(served);
  });

  it('builds a group once for concurrent first requests, sharing the pool and the running turns', async () => {
    const app = createApp(api.config, { db: api.apiDb, log: () => {} });
    const user = await api.createUser();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => app.request('/api/sessions', { headers: { authorization: `Bearer ${user.token}` } })),
    );
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    // A path outside every group still gets the API's 404 and CORS answers.
    const preflight = await app.request('/api/nope', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(await (await app.request('/elsewhere')).json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('a warm database pool', () => {
  it('opens its first connection at once, and the first query waits for it instead of opening its own', async () => {
    const url = new URL(api.config.dbUrl);
    const name = `warm-${crypto.randomUUID()}`;
    url.searchParams.set('application_name', name);
    const db = createDb(url.href, { warm: true });
    try {
      // Asked while the warm-up connection is still being opened.
      expect(await db.ping()).toMatchObject({ vector: expect.any(String) });
      const [row] = await api.db.sql<{ connections: number }[]>`
        select count(*)::int as connections from pg_stat_activity where application_name = ${name}`;
      expect(row!.connections).toBe(1);
      // The owner connection stays the postgres.js instance (turn rows use its begin()).
      expect(await db.sql.begin(async (tx) => (await tx`select 1 as one`)[0]!.one)).toBe(1);
    } finally {
      await db.end();
    }
  });
});

describe('authentication', () => {
  const probe = (headers: Record<string, string>) => api.request('GET', '/credentials', undefined, headers);

  it('refuses a missing token', async () => {
    const res = await probe({});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses expired, wrong-audience, alg none and foreign-key tokens', async () => {
    const user = await api.createUser();
    const expired = await signAccessToken(api.keys, { sub: user.id }, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
    const wrongAud = await signAccessToken(api.keys, { sub: user.id, aud: 'someone-else' });
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify({ sub: user.id, aud: 'authenticated', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 }));
    const unsigned = `${header}.${payload}.`;
    const foreign = await new SignJWT({ sub: user.id, role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-project-secret-but-long-enough-123'));
    for (const token of [expired, wrongAud, unsigned, foreign, 'garbage']) {
      const res = await probe({ authorization: `Bearer ${token}` });
      expect(res.status, token).toBe(401);
    }
  });

  it('accepts a legacy HS256 user token signed with the project secret', async () => {
    const user = await api.createUser();
    const token = await new SignJWT({ sub: user.id, role: 'authenticated', email: user.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`${api.config.supabaseUrl}/auth/v1`)
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(api.keys.jwtSecret));
    const res = await probe({ authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
  });
});

describe('input errors', () => {
  it('turns an oversized body into 413 and bad JSON into 400', async () => {
    const user = await api.createUser();
    const big = await user.request('PUT', '/credentials/openai', { api_key: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const bad = await user.request('PUT', '/credentials/openai', '{"api_key":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('body limits', () => {
  /** `body` as JSON padded with spaces to exactly `bytes` bytes (JSON allows them after the value). */
  const padded = (body: unknown, bytes: number) => {
    const json = JSON.stringify(body);
    return json + ' '.repeat(bytes - Buffer.byteLength(json));
  };
  const tooLarge = (bytes: number) => ({ error: { code: 'payload_too_large', message: `Request body is larger than ${bytes} bytes` } });

  it('takes each route\'s limit and answers 413 with the same body one byte above it', async () => {
    const user = await api.createUser();
    const prompt = await (await user.request('POST', '/prompts', { title: 'Limits', content: 'c' })).json();
    const cases: [method: string, path: string, body: unknown, bytes: number, ok: number][] = [
      ['POST', '/sessions', { title: 'Default' }, 2048, 201],
      ['POST', '/prompts', { title: 'Created', content: 'c' }, 640 * 1024, 201],
      ['PATCH', `/prompts/${prompt.id}`, { title: 'Edited' }, 640 * 1024, 200],
      ['POST', '/import/prompts', { prompts: [{ title: 'Imported', content: 'c' }] }, 8 * 1024 * 1024, 200],
    ];
    for (const [method, path, body, bytes, ok] of cases) {
      const within = await user.request(method, path, padded(body, bytes), { 'content-type': 'application/json' });
      expect(within.status, `${method} ${path} at ${bytes}`).toBe(ok);
      const above = await user.request(method, path, padded(body, bytes + 1), { 'content-type': 'application/json' });
      expect(above.status, `${method} ${path} at ${bytes + 1}`).toBe(413);
      expect(await above.json()).toEqual(tooLarge(bytes));
    }
    // Another method on a prompt's path keeps the default.
    const put = await user.request('PUT', `/prompts/${prompt.id}`, padded({ title: 'x' }, 2049), { 'content-type': 'application/json' });
    expect(put.status).toBe(413);
    expect(await put.json()).toEqual(tooLarge(2048));
  });
});

describe('database outage', () => {
  it('answers 503 database_unavailable with Retry-After, not a vague 500', async () => {
    // Nothing listens on the discard port; every connection attempt is refused.
    const downDb = createDb('postgresql://postgres:postgres@127.0.0.1:9/postgres', { max: 1 });
    const app = createApp(api.config, { db: downDb, log: () => {} });
    const user = await api.createUser();
    const res = await app.request('/api/sessions', { headers: { authorization: `Bearer ${user.token}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    await downDb.end();
  });
});
