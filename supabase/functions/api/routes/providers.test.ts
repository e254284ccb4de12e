import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

type P = { id: string; available: boolean; has_credential: boolean; models: { context_window: number }[]; base_url: string | null };

it('lists every provider with models and marks what the caller can use', async () => {
  const alice = await api.createUser();
  await alice.request('PUT', '/credentials/groq', { api_key: 'gsk-test-key-1234' });
  const res = await alice.request('GET', '/providers');
  expect(res.status).toBe(200);
  const { providers } = (await res.json()) as { providers: P[] };
  const byId = new Map(providers.map((p) => [p.id, p]));
  for (const id of ['openai', 'anthropic', 'streamlake', 'openrouter', 'groq', 'deepseek', 'mistral', 'ollama', 'custom', 'demo']) {
    expect(byId.has(id), id).toBe(true);
  }
  expect(byId.get('anthropic')?.base_url).toBe('https://api.anthropic.com/v1/');
  expect(byId.get('groq')).toMatchObject({ has_credential: true, available: true });
  expect(byId.get('openai')).toMatchObject({ has_credential: false, available: false });
  expect(byId.get('ollama')).toMatchObject({ available: true });
  expect(byId.get('demo')).toMatchObject({ available: true, base_url: null });
  expect(byId.get('custom')).toMatchObject({ available: false });
  expect(byId.get('openai')?.models.every((m) => m.context_window > 0)).toBe(true);
});

it('offers no demo provider unless configured, and no default Ollama on a strict server', async () => {
  const plain = await createApiHarness({ env: { DEMO_PROVIDER_URL: '', ALLOW_PRIVATE_PROVIDER_URLS: 'false' } });
  try {
    const user = await plain.createUser();
    const { providers } = (await (await user.request('GET', '/providers')).json()) as { providers: P[] };
    expect(providers.map((p) => p.id)).not.toContain('demo');
    expect(providers.find((p) => p.id === 'ollama')?.available).toBe(false);
  } finally {
    await plain.close();
  }
});

it('requires sign-in', async () => {
  expect((await api.request('GET', '/providers')).status).toBe(401);
});

describe('GET /api/providers/{id}/models', () => {
  type Listed = { models: { id: string; name: string | null; context_window: number | null }[] };
  const key = () => `sk-test-${crypto.randomUUID()}`;

  it("asks the provider with the caller's key, and keeps the answer for the next call", async () => {
    const alice = await api.createUser();
    const secret = key();
    await alice.request('PUT', '/credentials/custom', { api_key: secret, base_url: api.fakeProvider.url });
    const before = api.fakeProvider.requests.length;
    const res = await alice.request('GET', '/providers/custom/models');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect((JSON.parse(text) as Listed).models).toEqual([{ id: 'fake-model', name: null, context_window: null }]);
    const seen = api.fakeProvider.requests.slice(before);
    expect(seen.map((r) => r.path)).toEqual(['/v1/models']);
    expect(seen[0]?.authorization).toBe(`Bearer ${secret}`);

    expect((await alice.request('GET', '/providers/custom/models')).status).toBe(200);
    expect(api.fakeProvider.requests.length).toBe(before + 1);
    // A key saved again is asked with again.
    await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
    expect((await alice.request('GET', '/providers/custom/models')).status).toBe(200);
    expect(api.fakeProvider.requests.length).toBe(before + 2);
    expect(JSON.stringify(api.logs)).not.toContain(secret);
  });

  it("needs the caller's own key: another user's is never used", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
    const res = await bob.request('GET', '/providers/custom/models');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('missing_credential');
    expect((await bob.request('GET', '/providers/openai/models')).status).toBe(422);
  });

  it('says when the provider refuses the key or cannot be reached; unknown providers are 404', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
    api.fakeProvider.setMode('401');
    try {
      const refused = await alice.request('GET', '/providers/custom/models');
      expect(refused.status).toBe(502);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('provider_rejected_key');
      // A key saved again is asked with at once.
      await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
      api.fakeProvider.setMode('500');
      const failed = await alice.request('GET', '/providers/custom/models');
      expect(failed.status).toBe(502);
      expect(((await failed.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'provider_unreachable', message: expect.stringContaining('500') });
    } finally {
      api.fakeProvider.setMode('ok');
    }
    // A failure is kept (two minutes): the same answer, without asking the provider again…
    const asked = api.fakeProvider.requests.length;
    const again = await alice.request('GET', '/providers/custom/models');
    expect(again.status).toBe(502);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('provider_unreachable');
    expect(api.fakeProvider.requests.length).toBe(asked);
    // …until the key is saved again.
    await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
    expect((await alice.request('GET', '/providers/custom/models')).status).toBe(200);
    expect((await alice.request('GET', '/providers/nope/models')).status).toBe(404);
    expect((await api.request('GET', '/providers/custom/models')).status).toBe(401);
  });

  it("names why in a code its document lists, so a client words it without reading the provider's prose", async () => {
    const doc = (await (await api.request('GET', '/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: { error: { properties: { code: { enum?: string[] } } } } }> };
      paths: Record<string, { get: { responses: Record<string, { content: { 'application/json': { schema: { $ref?: string } } } }> } }>;
    };
    const ref = doc.paths['/api/providers/{id}/models']?.get.responses['502']?.content['application/json'].schema.$ref;
    expect(ref).toBe('#/components/schemas/ModelsListError');
    const documented = doc.components.schemas.ModelsListError?.properties.error.properties.code.enum;
    expect(documented).toEqual(['provider_rejected_key', 'models_unavailable', 'provider_unreachable']);

    const alice = await api.createUser();
    const answered: { code: string; message: string }[] = [];
    try {
      for (const mode of ['401', '404', '500'] as const) {
        // A key saved again is asked with at once (a kept failure is per stored key).
        await alice.request('PUT', '/credentials/custom', { api_key: key(), base_url: api.fakeProvider.url });
        api.fakeProvider.setMode(mode);
        const res = await alice.request('GET', '/providers/custom/models');
        expect(res.status).toBe(502);
        answered.push(((await res.json()) as { error: { code: string; message: string } }).error);
      }
    } finally {
      api.fakeProvider.setMode('ok');
    }
    expect(answered.map((e) => e.code)).toEqual(documented);
    // The human message stays, for clients that show it as it is.
    for (const e of answered) expect(e.message).toContain('Custom (OpenAI-compatible)');
  });
});
