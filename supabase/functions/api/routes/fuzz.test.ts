// Property test: whatever JSON (or non-JSON) arrives at the core routes, the answer is a
// response with a JSON error or a success — never a 500. Below it, inputs that did give 500s.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../lib/inputs.ts';
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

/** `{"a":…}` `levels` deep around 1 (an object of one level is `{"a":1}`). */
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const depthError = { code: 'invalid_request', message: expect.stringContaining(`more than ${MAX_JSON_DEPTH} deep`) };

describe('inputs that once gave a 500 are a 400 invalid_request', () => {
  it('prompt_version beyond int4 on /chat and on the gateway (the database column is an int)', async () => {
    const prompt = await (await user.request('POST', '/prompts', { title: 'T', name: 'big-version', content: 'Hello' })).json();
    const before = api.fakeProvider.requests.length;
    const chat = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'x', prompt_id: prompt.id, prompt_version: 3_000_000_000 });
    expect(chat.status).toBe(400);
    expect((await chat.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('prompt_version') });
    const gateway = await user.request('POST', '/v1/chat/completions', {
      model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], prompt: 'big-version', prompt_version: 3_000_000_000,
    });
    expect(gateway.status).toBe(400);
    expect((await gateway.json()).error).toMatchObject({ code: 'invalid_request', param: 'prompt_version' });
    // The largest int is a version that does not exist, not a refusal of the number.
    const largest = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'x', prompt_id: prompt.id, prompt_version: 2_147_483_647 });
    expect(largest.status).toBe(404);
    expect(api.fakeProvider.requests.length).toBe(before);
  });

  it(`session metadata nested deeper than ${MAX_JSON_DEPTH} (5000 fits in the 16 KB it may hold), on create and on edit`, async () => {
    const deep = await user.request('POST', '/sessions', `{"title":"t","metadata":{"a":${'['.repeat(5000)}1${']'.repeat(5000)}}}`);
    expect(deep.status).toBe(400);
    expect((await deep.json()).error).toMatchObject(depthError);
    const over = await user.request('POST', '/sessions', `{"title":"t","metadata":${nested(MAX_JSON_DEPTH + 1)}}`);
    expect(over.status).toBe(400);
    const at = await user.request('POST', '/sessions', `{"title":"t","metadata":${nested(MAX_JSON_DEPTH)}}`);
    expect(at.status).toBe(201);
    const { id } = await at.json();
    const edit = await user.request('PATCH', `/sessions/${id}`, `{"metadata":${nested(5000)}}`);
    expect(edit.status).toBe(400);
    expect((await edit.json()).error).toMatchObject(depthError);
  });

  it('a gateway request whose tools or content parts nest that deep, before the provider is called (was a 502 blaming it)', async () => {
    const before = api.fakeProvider.requests.length;
    for (const body of [
      `{"model":"demo/demo-model","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":${nested(5000)}}]}`,
      `{"model":"demo/demo-model","messages":[{"role":"user","content":[{"type":"text","text":"x","extra":${nested(20_000)}}]}]}`,
    ]) {
      const res = await user.request('POST', '/v1/chat/completions', body);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject(depthError);
    }
    expect(api.fakeProvider.requests.length).toBe(before);
  });
});
