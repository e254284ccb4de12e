import { afterAll, beforeAll, expect, it } from 'vitest';
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
