// GET /api/public/prompts/{id}: a public prompt read without signing in (its public page),
// exactly as anon may read it; a private or missing one is the same 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { createPrompt as createPromptAs, type Prompt } from '../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const createPrompt = async (user: ApiUser, body: Record<string, unknown>) =>
  (await createPromptAs(user, { title: 'Summariser', content: 'Summarise {{topic}} in {{n:number|3}} bullets.', ...body })) as Prompt & { revision: number };

describe('a public prompt read without signing in', () => {
  it('gives its shared version (here its only one), variables and settings, and nothing about its owner or history', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { is_public: true, tags: ['writing'], description: 'Short summaries', config: { provider: 'openai', model: 'gpt-4o-mini' } });
    const res = await api.request('GET', `/public/prompts/${prompt.id}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      id: prompt.id, name: 'summariser', title: 'Summariser', description: 'Short summaries',
      content: 'Summarise {{topic}} in {{n:number|3}} bullets.', tags: ['writing'], latest_version: 1, shared_label: null,
      config: { provider: 'openai', model: 'gpt-4o-mini' },
      variables: [
        { name: 'topic', type: 'string', options: [], default: null, required: true },
        { name: 'n', type: 'number', options: [], default: '3', required: false },
      ],
      updated_at: expect.any(String),
    });
    expect(JSON.stringify(body)).not.toContain(alice.id);
    // A signed-in reader gets the same.
    const bob = await api.createUser();
    expect(await (await bob.request('GET', `/public/prompts/${prompt.id}`)).json()).toEqual(body);
  });

  it('answers 404 alike for a private prompt, one made private, and one that does not exist', async () => {
    const alice = await api.createUser();
    const secret = await createPrompt(alice, {});
    const unpublished = await createPrompt(alice, { is_public: true, title: 'Was public' });
    expect((await api.request('GET', `/public/prompts/${unpublished.id}`)).status).toBe(200);
    expect((await alice.request('PATCH', `/prompts/${unpublished.id}`, { is_public: false, expected_revision: unpublished.revision })).status).toBe(200);
    for (const id of [secret.id, unpublished.id, crypto.randomUUID()]) {
      const res = await api.request('GET', `/public/prompts/${id}`);
      expect(res.status, id).toBe(404);
      expect((await res.json()).error).toMatchObject({ code: 'not_found' });
    }
    // Even its owner reads a private prompt here as not public.
    expect((await alice.request('GET', `/public/prompts/${secret.id}`)).status).toBe(404);
    expect((await api.request('GET', '/public/prompts/not-a-uuid')).status).toBe(400);
  });
});
