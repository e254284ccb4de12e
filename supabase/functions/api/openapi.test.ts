// The OpenAPI document: valid OpenAPI 3.1 by a well-kept validator, and listing every route
// the app actually serves (so a route added without createRoute is caught here).
import { compileErrors, validate } from '@readme/openapi-parser';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../tests/helpers/api.ts';
import { BODY_BYTES_CEILING } from './config.ts';
import { ROUTE_GROUPS } from './route-groups.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

// Served by the app but not API operations themselves.
const NOT_OPERATIONS = new Set(['GET /api/openapi.json', 'GET /api/docs']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

it('is a valid OpenAPI 3.1 document', async () => {
  const res = await api.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe('3.1.0');
  const result = await validate(structuredClone(doc));
  expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
});

it('lists every mounted route', async () => {
  const doc = await (await api.request('GET', '/openapi.json')).json();
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
  }
  // The groups as they are served (health's served sub-app is not the one the document mounts).
  const groups = new Hono().basePath('/api');
  for (const [path, routes] of (await Promise.all(Object.values(ROUTE_GROUPS).map((load) => load()))).flat()) groups.route(path, routes);
  const served = new Set(
    [...(await api.app.loadAll()).routes, ...groups.routes]
      .filter((r) => METHODS.has(r.method))
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}').replace(/(.)\/$/, '$1')}`)
      .filter((key) => !NOT_OPERATIONS.has(key)),
  );
  expect(served.size).toBeGreaterThan(20);
  const missing = [...served].filter((key) => !documented.has(key) && !documented.has(key.replace(/ (.*)$/, ' $1/')));
  expect(missing).toEqual([]);
  for (const key of ['POST /api/chat', 'GET /api/providers', 'PUT /api/credentials/{provider}', 'POST /api/credentials/{provider}/verify', 'GET /api/health']) {
    expect([...documented].some((d) => d === key || d === `${key}/`), key).toBe(true);
  }
  expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
});

it('lists on each route the errors shared middleware answers there, and 429 where a rate limit applies', async () => {
  const doc = await (await api.request('GET', '/openapi.json')).json();
  const operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; requestBody?: { content: object }; responses: Record<string, any> }>>)
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })));
  expect(operations.length).toBeGreaterThan(50);
  for (const { key, path, op } of operations) {
    const expected = [503, ...(op.security ? [401, 403] : []), ...(op.requestBody?.content && 'application/json' in op.requestBody.content ? [413, 415] : [])];
    for (const status of expected) {
      expect(op.responses[status], `${key} ${status}`).toBeDefined();
      const schema = op.responses[status].content?.['application/json']?.schema?.$ref;
      expect(schema, `${key} ${status}`).toBe(path.startsWith('/api/v1/') ? '#/components/schemas/OpenAiError' : '#/components/schemas/Error');
    }
  }
  const byKey = new Map(operations.map((o) => [o.key, o.op]));
  expect(byKey.get('GET /api/prompts')?.responses[403].description).toContain('insufficient_scope');
  expect(byKey.get('POST /api/prompts')?.responses[413].description).toContain('MAX_BODY_BYTES');
  expect(byKey.get('GET /api/shared/{token}')?.responses[401]).toBeUndefined(); // public: no token, no 401
  expect(byKey.get('GET /api/public/prompts/{id}')?.responses[401]).toBeUndefined();
  const rateLimited = [
    'POST /api/chat', 'POST /api/v1/chat/completions', 'POST /api/sessions/{id}/title', 'POST /api/credentials/{provider}/verify', 'GET /api/providers/{id}/models',
    'POST /api/import', 'GET /api/search', 'GET /api/usage', 'GET /api/usage/summary', 'GET /api/usage/recent', 'GET /api/me/export', 'GET /api/sessions/{id}/export',
  ];
  for (const key of rateLimited) expect(byKey.get(key)?.responses[429], key).toBeDefined();
});

it("names the gateway's real limit on message text, not a 1,000,000-character one no body could carry", async () => {
  const doc = await (await api.request('GET', '/openapi.json')).json();
  const request = doc.components.schemas.ChatCompletionRequest;
  const content = request.properties.messages.items.properties.content;
  const text = content.anyOf.find((s: { type?: string }) => s.type === 'string');
  expect(text.maxLength).toBe(BODY_BYTES_CEILING); // MAX_BODY_BYTES's own ceiling
  expect(content.description).toContain('MAX_BODY_BYTES bytes (262,144 by default), else 413 `payload_too_large`');
  const operation = doc.paths['/api/v1/chat/completions'].post;
  expect(operation.description).toContain('MAX_BODY_BYTES');
  expect(operation.responses[413].content['application/json'].schema.$ref).toBe('#/components/schemas/OpenAiError');
});

it('serves a docs page pointing at the document', async () => {
  const res = await api.request('GET', '/docs');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(await res.text()).toContain('openapi.json');
});

it('docs page: every external script is pinned with SRI and no inline script may run (issue 10, finding 13)', async () => {
  const res = await api.request('GET', '/docs');
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    if (/\bsrc=/.test(attributes!)) {
      expect(attributes).toMatch(/\bintegrity="sha384-[A-Za-z0-9+/=]{64}"/);
      expect(attributes).toMatch(/\bcrossorigin="anonymous"/);
      expect(attributes).toMatch(/@\d+\.\d+\.\d+\//); // an exact version, not a range or "latest"
    } else {
      // Only data blocks inline (never executed), so the policy needs no 'unsafe-inline'.
      expect(attributes).toMatch(/type="application\/json"/);
      expect(body!.trim()).toBe('');
    }
  }
  const policy = res.headers.get('content-security-policy') ?? '';
  const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1] ?? '';
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(scriptSrc).toContain("'sha384-");
  expect(policy).toContain("frame-ancestors 'none'");
});
