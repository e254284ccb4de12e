/**
 * Property-based abuse (issue 6, item 3): for every route the API's own OpenAPI document
 * lists, fast-check sends generated malformed requests — junk path parameters, unknown and
 * mistyped query and body fields, invalid JSON, wrong content types, hostile strings (NUL,
 * lone surrogates, SQL, huge), missing or broken tokens — through app.request() in Node.
 * The API must never answer 5xx, and every error must be `{ error: { code, message } }` (with
 * OpenAI's `type` and `param` besides on the OpenAI-compatible /api/v1 routes).
 * Together the properties send well over 1,000 requests.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';

let api: ApiHarness;
let alice: ApiUser;
let sent = 0;

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
}

type Schema = { $ref?: string; properties?: Record<string, unknown>; allOf?: Schema[]; anyOf?: Schema[] };
type OpenApiDoc = {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
};

function fieldsOf(schema: Schema | undefined, doc: OpenApiDoc, depth = 0): string[] {
  if (!schema || depth > 4) return [];
  if (schema.$ref) return fieldsOf(doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''], doc, depth + 1);
  const nested = [...(schema.allOf ?? []), ...(schema.anyOf ?? [])].flatMap((s) => fieldsOf(s, doc, depth + 1));
  return [...Object.keys(schema.properties ?? {}), ...nested];
}

/** Every operation of /api/openapi.json, as the app itself describes it. */
async function readOperations(): Promise<Operation[]> {
  const res = await api.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as OpenApiDoc;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: fieldsOf(op.requestBody?.content?.['application/json']?.schema, doc),
      });
    }
  }
  return operations;
}

// Hostile strings: SQL, NUL and control characters, lone surrogates, traversal, markup, huge.
const hostile = fc.constantFrom(
  "'; drop table public.messages; --", '" or 1=1 --', "' union select encrypted_key from public.api_credentials --",
  '\u0000', 'a\u0000b', '\ud800', '\udfff x', '../../etc/passwd', '%00', '%2e%2e%2f', '<script>alert(1)</script>',
  '{{__proto__}}', '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-1', '1e309', '0x10', ' ', '\t\n',
  '9999999999999999999999', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'x'.repeat(70_000), '😀'.repeat(5000), 'Ω≈ç√∫', '\u202e', 'production', 'openai', 'custom',
);
const junkString = fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.uuid());
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  junkString,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, true, false, null),
  fc.array(junkString, { maxLength: 3 }),
  fc.dictionary(junkString, junkString, { maxKeys: 3 }),
  fc.constant({ __proto__: { admin: true } }),
);

/** A body for an operation: invalid JSON, any JSON, or its own fields with wrong or odd values. */
function bodyFor(op: Operation): fc.Arbitrary<string | undefined> {
  const fields = op.bodyFields.length ? op.bodyFields : ['name', 'title', 'message'];
  const shaped = fc
    .tuple(
      fc.subarray(fields),
      fc.array(junkValue, { minLength: fields.length, maxLength: fields.length }),
      fc.dictionary(fc.string({ maxLength: 12 }), junkValue, { maxKeys: 2 }),
    )
    .map(([keys, values, extra]) => JSON.stringify({ ...Object.fromEntries(keys.map((k, i) => [k, values[i]])), ...extra }));
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'null', '[]', '{', '{"a":', '"str"', '1', '{"message":"x"}'.repeat(2), '[' .repeat(5000)) },
  );
}

function requestFor(op: Operation): fc.Arbitrary<GeneratedRequest> {
  const pathValue = fc.oneof({ weight: 3, arbitrary: junkString }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.nat().map(String) });
  return fc.record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') }),
    params: fc.array(pathValue, { minLength: op.pathParams.length, maxLength: op.pathParams.length }),
    query: fc.dictionary(fc.oneof(fc.constantFrom(...op.queryParams, 'limit', 'before', 'cursor'), fc.string({ maxLength: 10 })), junkString.map(String), { maxKeys: 3 }),
    body: bodyFor(op),
    contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined),
    auth: fc.constantFrom<GeneratedRequest['auth'][]>('valid', 'valid', 'valid', 'valid', 'none', 'junk'),
  });
}

/** Percent-encodes a path value; a lone surrogate (not encodable) becomes the bytes of one,
 * which is invalid UTF-8 — exactly what a hostile client can send. */
function encodePathValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
}

interface GeneratedRequest {
  method: string;
  params: string[];
  query: Record<string, string>;
  body: string | undefined;
  contentType: string | undefined;
  auth: 'valid' | 'none' | 'junk';
}

async function send(op: Operation, input: GeneratedRequest, token: string) {
  let path = op.path;
  op.pathParams.forEach((name, i) => {
    path = path.replace(`{${name}}`, encodePathValue(String(input.params[i])));
  });
  const query = new URLSearchParams(Object.entries(input.query).map(([k, v]) => [k, String(v)])).toString();
  const headers: Record<string, string> = {};
  if (input.contentType) headers['content-type'] = input.contentType;
  if (input.auth === 'valid') headers.authorization = `Bearer ${token}`;
  if (input.auth === 'junk') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.e30.';
  const hasBody = input.body !== undefined && !['GET', 'HEAD'].includes(input.method);
  sent += 1;
  return await api.app.request(`${path}${query ? `?${query}` : ''}`, { method: input.method, headers, body: hasBody ? input.body : undefined });
}
async function checkResponse(res: Response, label: string, method = 'GET') {
  const text = await res.text();
  expect(res.status, `${label} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  // A HEAD answer has no body by definition.
  if (res.status >= 400 && method !== 'HEAD') {
    let json: unknown;
    expect(() => (json = JSON.parse(text)), `${label}: error body is not JSON: ${text.slice(0, 200)}`).not.toThrow();
    // The OpenAI-compatible routes (/api/v1) add OpenAI's `type` and `param`, for its SDKs.
    const openAi = /^[A-Z]+ \/api\/v1\//.test(label) ? { type: expect.any(String), param: expect.toSatisfy((p) => p === null || typeof p === 'string') } : {};
    expect(json, label).toEqual({ error: { code: expect.any(String), message: expect.any(String), ...openAi } });
  }
}

beforeAll(async () => {
  // A generous rate limit so chat requests exercise validation rather than the limiter.
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '100000', CHAT_RATE_REFILL_PER_SECOND: '1000', LOG_LEVEL: 'silent' } });
  alice = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});

describe('generated malformed requests on every route', async () => {
  it('the OpenAPI document lists the resources', async () => {
    const operations = await readOperations();
    const prefixes = new Set(operations.map((op) => op.path.split('/')[2]));
    for (const resource of ['health', 'chat', 'credentials', 'providers', 'me', 'projects', 'sessions', 'prompts', 'search', 'usage']) {
      expect(prefixes, resource).toContain(resource);
    }
  });

  it('never answers 5xx, and every error is { error: { code, message } }', async () => {
    const operations = await readOperations();
    const runsPerRoute = Math.ceil(1300 / operations.length);
    for (const op of operations) {
      const label = `${op.method} ${op.path}`;
      // Deleting the account would end the run for everyone else: it gets its own users.
      const destructive = op.method === 'DELETE' && op.path === '/api/me';
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (input) => {
          const token = destructive ? (await api.createUser()).token : alice.token;
          const res = await send(op, input, token);
          await checkResponse(res, `${label} ${JSON.stringify({ ...input, body: input.body?.slice(0, 200) })}`, input.method);
        }),
        { numRuns: runsPerRoute, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
      );
    }
    expect(sent).toBeGreaterThanOrEqual(1000);
  }, 240_000);

  it('unknown paths and methods answer a JSON 404/405', async () => {
    for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/health'], ['PUT', '/api/sessions'], ['GET', '/api/../etc/passwd'], ['GET', '/api/%00']]) {
      const res = await api.app.request(path, { method, headers: { authorization: `Bearer ${alice.token}` } });
      await checkResponse(res, `${method} ${path}`);
      expect([404, 405]).toContain(res.status);
    }
  });
});
