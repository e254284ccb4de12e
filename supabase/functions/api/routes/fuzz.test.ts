// Property test: whatever JSON (or non-JSON) arrives at the core routes, the answer is a
// response with a JSON error or a success — never a 500.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
let user: ApiUser;
beforeAll(async () => {
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '100000' } });
  user = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});

const chatLike = fc.record(
  {
    provider: fc.oneof(fc.constant('demo'), fc.constant('openai'), fc.string()),
    model: fc.oneof(fc.constant('demo-model'), fc.string()),
    message: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.constant('\u0000')),
    session_id: fc.oneof(fc.uuid(), fc.string()),
    variables: fc.dictionary(fc.string(), fc.jsonValue()),
    temperature: fc.oneof(fc.double(), fc.string()),
    max_tokens: fc.oneof(fc.integer(), fc.double()),
    regenerate: fc.oneof(fc.boolean(), fc.string()),
  },
  { requiredKeys: [] },
);

async function drain(res: Response) {
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.text();
  else expect((await res.json()).error?.code ?? 'ok').toBeTruthy();
}

it('POST /chat never answers 500', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(chatLike, fc.jsonValue()), async (body) => {
      const res = await user.request('POST', '/chat', JSON.stringify(body), { 'content-type': 'application/json' });
      expect(res.status).toBeLessThan(500);
      await drain(res);
    }),
    { numRuns: 60 },
  );
});

it('PUT /credentials/:provider never answers 500', async () => {
  const provider = fc.oneof(fc.constantFrom('openai', 'custom', 'ollama', 'demo'), fc.string({ minLength: 1, maxLength: 40 }));
  const body = fc.oneof(fc.record({ api_key: fc.oneof(fc.string(), fc.string({ unit: 'binary' })), base_url: fc.oneof(fc.webUrl(), fc.string()) }, { requiredKeys: [] }), fc.jsonValue());
  await fc.assert(
    fc.asyncProperty(provider, body, async (id, payload) => {
      const res = await user.request('PUT', `/credentials/${encodeURIComponent(id)}`, JSON.stringify(payload), { 'content-type': 'application/json' });
      expect(res.status).toBeLessThan(500);
      await drain(res);
    }),
    { numRuns: 60 },
  );
});
