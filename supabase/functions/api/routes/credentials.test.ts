// /api/credentials through the real app and database: storage is encrypted, responses and
// logs never contain the key, other users cannot see or touch it, verify reaches the provider.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { decryptCredential } from '../lib/credentials-crypto.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => api.fakeProvider.setMode('ok'));

const secret = () => `sk-test-${crypto.randomUUID()}-ZZ${Math.floor(Math.random() * 1e4)}`;

describe('PUT /api/credentials/:provider', () => {
  it('stores an encrypted key and answers with a hint only', async () => {
    const alice = await api.createUser();
    const key = secret();
    const res = await alice.request('PUT', '/credentials/openai', { api_key: key });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(key);
    expect(JSON.parse(text)).toMatchObject({ provider: 'openai', key_hint: `…${key.slice(-4)}`, base_url: null });

    const [row] = await api.db.sql`select encrypted_key from public.api_credentials where user_id = ${alice.id}`;
    expect(row.encrypted_key).toMatch(/^v1\./);
    expect(row.encrypted_key).not.toContain(key);
    expect(await decryptCredential(api.config.encryptionKeys, { userId: alice.id, provider: 'openai', baseUrl: null }, row.encrypted_key)).toBe(key);

    const list = await alice.request('GET', '/credentials');
    const listText = await list.text();
    expect(listText).not.toContain(key);
    expect(listText).not.toContain(row.encrypted_key);
    expect(JSON.parse(listText).credentials).toHaveLength(1);
    expect(JSON.stringify(api.logs)).not.toContain(key);
  });

  it('replaces the key on a second PUT', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/credentials/groq', { api_key: secret() });
    const second = secret();
    const res = await alice.request('PUT', '/credentials/groq', { api_key: second });
    expect((await res.json()).key_hint).toBe(`…${second.slice(-4)}`);
    const rows = await api.db.sql`select provider from public.api_credentials where user_id = ${alice.id}`;
    expect(rows).toHaveLength(1);
  });

  it('requires a base URL for custom and refuses one for fixed providers', async () => {
    const alice = await api.createUser();
    expect((await alice.request('PUT', '/credentials/custom', { api_key: secret() })).status).toBe(400);
    expect((await alice.request('PUT', '/credentials/openai', { api_key: secret(), base_url: 'https://example.com/v1' })).status).toBe(400);
    const ok = await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: `${api.fakeProvider.url}/` });
    expect(ok.status).toBe(200);
    expect((await ok.json()).base_url).toBe(api.fakeProvider.url);
  });

  it('answers malformed input with 4xx JSON', async () => {
    const alice = await api.createUser();
    const cases: [string, unknown][] = [
      ['/credentials/openai', { api_key: 42 }],
      ['/credentials/openai', { api_key: 'sk-1', extra: true }],
      ['/credentials/openai', {}],
      ['/credentials/openai', ['sk']],
      ['/credentials/openai', { api_key: 'x'.repeat(5000) }],
      ['/credentials/NOT%20A%20PROVIDER', { api_key: 'sk-12345678' }],
      ['/credentials/nosuchprovider', { api_key: 'sk-12345678' }],
    ];
    for (const [path, body] of cases) {
      const res = await alice.request('PUT', path, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect((await res.json()).error.code).toBeTruthy();
    }
  });
});

describe('other users', () => {
  it('cannot see, delete or verify a key they do not own', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: api.fakeProvider.url });
    expect((await (await bob.request('GET', '/credentials')).json()).credentials).toEqual([]);
    expect((await bob.request('DELETE', '/credentials/custom')).status).toBe(404);
    expect((await bob.request('POST', '/credentials/custom/verify')).status).toBe(404);
    expect((await alice.request('GET', '/credentials')).status).toBe(200);
    expect((await (await alice.request('GET', '/credentials')).json()).credentials).toHaveLength(1);
  });
});

describe('DELETE /api/credentials/:provider', () => {
  it('deletes, then 404s', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/credentials/mistral', { api_key: secret() });
    expect((await alice.request('DELETE', '/credentials/mistral')).status).toBe(204);
    expect((await alice.request('DELETE', '/credentials/mistral')).status).toBe(404);
  });
});

describe('POST /api/credentials/:provider/verify', () => {
  it('sends the decrypted key to the provider and reports ok', async () => {
    const alice = await api.createUser();
    const key = secret();
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url });
    const before = api.fakeProvider.requests.length;
    const res = await alice.request('POST', '/credentials/custom/verify');
    expect(await res.json()).toMatchObject({ ok: true, status: 'ok' });
    const seen = api.fakeProvider.requests.slice(before);
    expect(seen.map((r) => r.path)).toContain('/v1/models');
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${key}`);
    expect(JSON.stringify(api.logs)).not.toContain(key);
  });

  it('reports invalid when the provider refuses the key', async () => {
    const alice = await api.createUser();
    const key = secret();
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url });
    api.fakeProvider.setMode('401');
    const res = await alice.request('POST', '/credentials/custom/verify');
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ ok: false, status: 'invalid' });
    expect(text).not.toContain(key);
  });

  it('says unverified when the provider has no models list', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: `${api.fakeProvider.url}/no-models-here` });
    expect(await (await alice.request('POST', '/credentials/custom/verify')).json()).toMatchObject({ ok: false, status: 'unverified' });
  });

  it('404s when no key is stored', async () => {
    const alice = await api.createUser();
    expect((await alice.request('POST', '/credentials/openai/verify')).status).toBe(404);
  });

  // QA4 #1: a refused key was listed like a good one; Settings and the chat's welcome read this.
  it('records the outcome on the key, until the key is saved again', async () => {
    const alice = await api.createUser();
    const key = secret();
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url });
    const state = async () => (await (await alice.request('GET', '/credentials')).json()).credentials[0];
    expect(await state()).toMatchObject({ check_status: null, checked_at: null });
    api.fakeProvider.setMode('401');
    const refused = await (await alice.request('POST', '/credentials/custom/verify')).json();
    expect(refused.message).toContain('rejected the key (401)');
    expect(await state()).toMatchObject({ check_status: 'invalid', checked_at: expect.any(String) });
    api.fakeProvider.setMode('ok');
    await alice.request('POST', '/credentials/custom/verify');
    expect(await state()).toMatchObject({ check_status: 'ok' });
    api.fakeProvider.setMode('401');
    await alice.request('POST', '/credentials/custom/verify');
    // Saved again: not checked yet, whatever its predecessor's verdict.
    const saved = await (await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: api.fakeProvider.url })).json();
    expect(saved).toMatchObject({ check_status: null });
    expect(await state()).toMatchObject({ check_status: null, checked_at: null });
    expect(JSON.stringify(api.logs)).not.toContain(key);
  });

  // QA4 #3: the usual mistake with vLLM, LM Studio, LiteLLM, llama.cpp: the base URL without /v1.
  it('asks whether a base URL that 404s needs /v1, and names where it asked', async () => {
    const alice = await api.createUser();
    const key = secret();
    const base = api.fakeProvider.url.replace(/\/v1$/, '');
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: base });
    const text = await (await alice.request('POST', '/credentials/custom/verify')).text();
    expect(JSON.parse(text)).toMatchObject({ ok: false, status: 'unverified' });
    expect(JSON.parse(text).message).toBe(
      `Custom (OpenAI-compatible) has no models list at this base URL. It answered 404 at ${base}/models: does the base URL need /v1 (${base}/v1)? Change it in Settings → API keys.`,
    );
    expect(text).not.toContain(key);
    // The chat's model list (the caller's own key) says the same; a chat turn asks about /v1
    // without the URL (its error is stored on the answer, which a group chat's members read).
    const list = await (await alice.request('GET', '/providers/custom/models')).json();
    expect(list.error).toMatchObject({ code: 'models_unavailable', message: expect.stringContaining(`It answered 404 at ${base}/models: does the base URL need /v1`) });
    const events = await readSse(await alice.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: 'hi' }));
    expect(events.at(-1)?.data).toMatchObject({ code: 'provider_not_found', message: expect.stringContaining('Its base URL may need /v1 at the end') });
    expect(JSON.stringify(events)).not.toContain(new URL(base).host);
    expect(JSON.stringify(events) + JSON.stringify(api.logs)).not.toContain(key);
    // With /v1 it answers, and a 404 at a /v1 base URL says nothing of /v1.
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url });
    expect(await (await alice.request('POST', '/credentials/custom/verify')).json()).toMatchObject({ ok: true });
  });

  it("a models list records a refused key, and a listed one as good", async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: api.fakeProvider.url });
    api.fakeProvider.setMode('401');
    expect((await alice.request('GET', '/providers/custom/models')).status).toBe(502);
    const state = async () => (await (await alice.request('GET', '/credentials')).json()).credentials[0];
    expect(await state()).toMatchObject({ check_status: 'invalid' });
    api.fakeProvider.setMode('ok');
    // A failed list is kept two minutes per key: a key saved again is asked at once.
    await alice.request('PUT', '/credentials/custom', { api_key: secret(), base_url: api.fakeProvider.url });
    expect((await alice.request('GET', '/providers/custom/models')).status).toBe(200);
    expect(await state()).toMatchObject({ check_status: 'ok' });
  });
});
