// Rendering has bounds (business audit B2): a template may repeat one slot 20,000 times, so a
// request of a few KB once built a text of 100 M characters (600 MB in 450 ms) or failed with a
// 500 "Invalid string length", and /chat tokenized 320 M characters before answering. Now every
// caller — POST /prompts/{id}/render, GET /prompts/resolve?variables=, POST /chat with a
// prompt, the gateway's `prompt` — is refused with 422 rendered_too_long before the text is
// built, and render and resolve with variables take a token of the heavy bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await api?.close();
});

/** 20,000 uses of `{{a}}`: 100,000 characters, the longest template a prompt may hold. */
const AMPLIFIER = '{{a}}'.repeat(20_000);

async function promptOf(user: ApiUser, content: string, name?: string) {
  const res = await user.request('POST', '/prompts', { title: 'amp', content, ...(name ? { name } : {}) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

/** The request's status, size and error. (No timing: the refusal comes before anything is built.) */
async function timed(send: () => Promise<Response>) {
  const res = await send();
  const text = await res.text();
  return { status: res.status, bytes: text.length, error: text.startsWith('{') ? JSON.parse(text).error : null };
}

describe('a rendered prompt is bounded before it is built', () => {
  it('POST /prompts/{id}/render: 422 rendered_too_long with the length it would have had, not 100 MB', async () => {
    const alice = await api.createUser();
    const { id } = await promptOf(alice, AMPLIFIER);
    const { key } = await (await alice.request('POST', '/api-keys', { name: 'k', scopes: ['prompts:read'] })).json();
    // A 5 KB value once answered 100,000,126 bytes.
    const small = await timed(() => api.request('POST', `/prompts/${id}/render`, { variables: { a: 'x'.repeat(5_000) } }, { authorization: `Bearer ${key}` }));
    expect(small.status).toBe(422);
    expect(small.error).toMatchObject({ code: 'rendered_too_long', rendered_chars: 100_000_000, max_rendered_chars: 1_000_000 });
    expect(small.bytes).toBeLessThan(1_000);
    // 30,000 characters once passed the engine's longest string: a 500.
    const huge = await timed(() => alice.request('POST', `/prompts/${id}/render`, { variables: { a: 'y'.repeat(30_000) } }));
    expect([huge.status, huge.error.code, huge.error.rendered_chars]).toEqual([422, 'rendered_too_long', 600_000_000]);
    // Up to the limit it renders: 20,000 × 50 characters = 1,000,000.
    const full = await alice.request('POST', `/prompts/${id}/render`, { variables: { a: 'z'.repeat(50) } });
    expect(full.status).toBe(200);
    expect((await full.json()).rendered).toHaveLength(1_000_000);
    const over = await alice.request('POST', `/prompts/${id}/render`, { variables: { a: 'z'.repeat(51) } });
    expect((await over.json()).error).toMatchObject({ code: 'rendered_too_long', rendered_chars: 1_020_000 });
  });

  it('GET /prompts/resolve?variables=: 422 rendered_too_long', async () => {
    const alice = await api.createUser();
    const { name } = await promptOf(alice, AMPLIFIER, 'amplifier');
    const variables = encodeURIComponent(JSON.stringify({ a: 'x'.repeat(20_000) }));
    const res = await timed(() => alice.request('GET', `/prompts/resolve?name=${name}&variables=${variables}`));
    expect([res.status, res.error.code, res.error.rendered_chars]).toEqual([422, 'rendered_too_long', 400_000_000]);
  });

  it('POST /chat with prompt_id: 422 rendered_too_long at once, without tokenizing 320 M characters', async () => {
    const alice = await api.createUser();
    const { id } = await promptOf(alice, '{{a}} '.repeat(16_000));
    const res = await timed(() => alice.request('POST', '/chat', {
      provider: 'demo', model: 'demo-model', message: 'hi', prompt_id: id, variables: { a: 'lorem ipsum dolor sit amet '.repeat(740) },
    }));
    expect([res.status, res.error.code]).toEqual([422, 'rendered_too_long']);
  });

  it("the gateway's `prompt`: 422 rendered_too_long in OpenAI's error shape, naming `variables`", async () => {
    const alice = await api.createUser();
    const { name } = await promptOf(alice, AMPLIFIER, 'gateway-amplifier');
    const res = await timed(() => alice.request('POST', '/v1/chat/completions', {
      model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }], prompt: name, variables: { a: 'x'.repeat(20_000) },
    }));
    expect(res.status).toBe(422);
    expect(res.error).toMatchObject({ code: 'rendered_too_long', type: 'invalid_request_error', param: 'variables' });
  });
});

describe('render and resolve draw on the heavy bucket', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await createApiHarness({ env: { HEAVY_RATE_CAPACITY: '3', HEAVY_RATE_REFILL_PER_SECOND: '0.001', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('a render takes a token, past the bucket 429 with Retry-After; other users are not affected', async () => {
    const alice = await limited.createUser();
    const { id } = await promptOf(alice, 'Hello {{name}}');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await alice.request('POST', `/prompts/${id}/render`, { variables: { name: 'Ada' } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await alice.request('POST', `/prompts/${id}/render`, { variables: { name: 'Ada' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('rate_limited');
    const bob = await limited.createUser();
    const own = await promptOf(bob, 'Hi {{name}}');
    expect((await bob.request('POST', `/prompts/${own.id}/render`, { variables: { name: 'Bo' } })).status).toBe(200);
  });

  it('a resolve with variables takes a token; a plain resolve (what a client polls) takes none', async () => {
    const alice = await limited.createUser();
    const { name } = await promptOf(alice, 'Hello {{name}}', 'greeter');
    for (let i = 0; i < 5; i++) expect((await alice.request('GET', `/prompts/resolve?name=${name}`)).status).toBe(200);
    const compiled = () => alice.request('GET', `/prompts/resolve?name=${name}&variables=${encodeURIComponent('{"name":"Ada"}')}`);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await compiled()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await alice.request('GET', `/prompts/resolve?name=${name}`)).status).toBe(200);
  });
});
