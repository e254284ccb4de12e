// GET /prompts/kept-in-chats: how many of the caller's own chats keep each prompt, which the
// library says before a delete. Another person's chats are not counted, even ones keeping the
// caller's public prompt, and nothing about them is said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, newSession, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';
import { createPrompt } from '../../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const keeping = (user: ApiUser, id: string) => newSession(user, { metadata: { prompt: { id, label: null, version: null } } });
const counts = async (user: ApiUser, ids: string[]) => {
  const res = await user.request('GET', `/prompts/kept-in-chats?ids=${ids.join(',')}`);
  return { status: res.status, body: await res.json() };
};

describe('GET /prompts/kept-in-chats', () => {
  it("counts the caller's own chats that keep each prompt, and only theirs", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const kept = await createPrompt(alice, { is_public: true });
    const other = await createPrompt(alice);
    await keeping(alice, kept.id);
    await keeping(alice, kept.id);
    await newSession(alice, { metadata: { provider: 'openai' } });
    await keeping(bob, kept.id);
    expect(await counts(alice, [kept.id, other.id])).toEqual({ status: 200, body: { prompts: [{ prompt_id: kept.id, chats: 2 }, { prompt_id: other.id, chats: 0 }] } });
    expect((await counts(bob, [kept.id])).body).toEqual({ prompts: [{ prompt_id: kept.id, chats: 1 }] });
  });

  it('refuses ids that are not prompt ids, and too many', async () => {
    const alice = await api.createUser();
    expect((await counts(alice, ['nope'])).status).toBe(400);
    expect((await counts(alice, Array.from({ length: 101 }, () => crypto.randomUUID()))).status).toBe(400);
    expect((await alice.request('GET', '/prompts/kept-in-chats')).status).toBe(400);
  });
});
