// JSON.parse accepts what Postgres does not store: a lone UTF-16 surrogate (`"\ud800"`, which
// jsonb refuses) and control characters (NUL, which no text column takes). Found by the
// malformed-requests fuzz as a 500 on POST /sessions. Each is stored as a text column would
// store it, or refused with a 400 before a provider is called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
let alice: ApiUser;
beforeAll(async () => {
  api = await createApiHarness({ env: { LOG_LEVEL: 'silent' } });
  alice = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});

// Raw bodies: JSON.stringify would write the same escapes, but a raw string shows them.
const LONE = '\\ud800';
const send = async (method: string, path: string, body: string, user = alice) => await user.request(method, path, body);

describe('a lone surrogate in JSON the API keeps in jsonb', () => {
  it('is stored as U+FFFD in keys and values, as a text column stores it, instead of a 500', async () => {
    const created = await send('POST', '/sessions', `{"metadata":{"${LONE}":"a${LONE}","deep":[{"x":"${LONE}"}]}}`);
    expect(created.status).toBe(201);
    const session = await created.json();
    expect(session.metadata).toEqual({ '\ufffd': 'a\ufffd', deep: [{ x: '\ufffd' }] });

    const patched = await send('PATCH', `/sessions/${session.id}`, `{"metadata":{"k":"${LONE}b"}}`);
    expect(patched.status).toBe(200);
    expect((await patched.json()).metadata).toEqual({ k: '\ufffdb' });

    const me = await send('PATCH', '/me', `{"preferences":{"default_model":"m${LONE}"}}`);
    expect(me.status).toBe(200);
    expect((await me.json()).preferences.default_model).toBe('m\ufffd');

    const prompt = await send('POST', '/prompts', `{"name":"lone","title":"t","content":"Hi {{who}}","config":{"model":"m${LONE}"}}`);
    expect(prompt.status).toBe(201);
    const { id, config } = await prompt.json();
    expect(config.model).toBe('m\ufffd');
    const edited = await send('PATCH', `/prompts/${id}`, `{"config":{"model":"n${LONE}"}}`);
    expect(edited.status, await edited.clone().text()).toBe(200);

    const testCase = await send('POST', `/prompts/${id}/test-cases`, `{"name":"c","variables":{"who${LONE}":"x${LONE}"}}`);
    expect(testCase.status).toBe(200);
    expect((await testCase.json()).variables).toEqual({ 'who\ufffd': 'x\ufffd' });
  });

  it('in a chat model name, is stored with the turn (its settings are jsonb) and the answer completes', async () => {
    const res = await send('POST', '/chat', `{"provider":"demo","model":"demo-model${LONE}","message":"hi"}`);
    const text = await res.text();
    expect(text).toContain('event:done');
    expect(text).toContain('"status":"complete"');
    const [row] = await api.db.sql`select metadata->>'model' as model from public.chat_sessions where user_id = ${alice.id} and metadata ? 'model'`;
    expect(row?.model).toBe('demo-model\ufffd');
  });
});

describe('a control character in a model name', () => {
  it('is a 400 on /chat and on the gateway, before the provider is called', async () => {
    const before = api.fakeProvider.requests.length;
    const chat = await send('POST', '/chat', '{"provider":"demo","model":"demo-model\\u0000","message":"hi"}');
    expect(chat.status).toBe(400);
    expect((await chat.json()).error.message).toMatch(/model.*control characters/);

    const key = (await (await alice.request('POST', '/api-keys', { name: 'gateway', scopes: ['chat'] })).json()).key as string;
    for (const model of ['demo/demo-model\\u0000', 'demo/demo\\u0007model']) {
      const res = await api.request('POST', '/api/v1/chat/completions', `{"model":"${model}","messages":[{"role":"user","content":"hi"}]}`, { authorization: `Bearer ${key}` });
      expect(res.status, model).toBe(400);
    }
    expect(api.fakeProvider.requests.length).toBe(before);
  });
});
