// Test cases kept with a prompt: save (replace by name), list, remove; owner only; bad input.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, RLS_VIOLATION } from '../../../../../tests/helpers/actors.ts';
import { createApiHarness, type ApiHarness } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

describe('prompt test cases', () => {
  it('saves, replaces by name, lists and removes', async () => {
    const alice = await api.createUser();
    const p = await (await alice.request('POST', '/prompts', { title: 'T', content: '{{who}} {{n:number}}' })).json();
    const saved = await (await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'angry', variables: { who: 'Ada', n: 3 }, message: 'Hi' })).json();
    expect(saved).toMatchObject({ name: 'angry', variables: { who: 'Ada', n: 3 }, message: 'Hi' });
    const replaced = await (await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'angry', variables: { who: 'Bob' } })).json();
    expect(replaced).toMatchObject({ id: saved.id, variables: { who: 'Bob' }, message: '' });
    await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'calm', variables: {} });
    const list = await (await alice.request('GET', `/prompts/${p.id}/test-cases`)).json();
    expect(list.test_cases.map((c: { name: string }) => c.name)).toEqual(['angry', 'calm']);
    expect((await alice.request('DELETE', `/prompts/${p.id}/test-cases/${saved.id}`)).status).toBe(204);
    expect((await alice.request('DELETE', `/prompts/${p.id}/test-cases/${saved.id}`)).status).toBe(404);
  });

  it("keeps cases owner-only, in the API and in the database; refuses bad input", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await (await alice.request('POST', '/prompts', { title: 'S', content: 'x', is_public: true })).json();
    expect((await bob.request('GET', `/prompts/${shared.id}/test-cases`)).status).toBe(403);
    expect((await bob.request('POST', `/prompts/${shared.id}/test-cases`, { name: 'x' })).status).toBe(403);
    expect((await bob.request('GET', `/prompts/${randomUUID()}/test-cases`)).status).toBe(404);
    await expect(asActor(api.db.sql, bob, (tx) => tx`insert into public.prompt_test_cases (prompt_id, user_id, name) values (${shared.id}, ${bob.id}, 'x')`)).rejects.toThrow(RLS_VIOLATION);
    await alice.request('POST', `/prompts/${shared.id}/test-cases`, { name: 'mine' });
    expect(await asActor(api.db.sql, bob, (tx) => tx`select id from public.prompt_test_cases`)).toEqual([]);
    for (const body of [{ name: '' }, { name: 'x', variables: { a: { nested: 1 } } }, { name: 'x', message: 'x'.repeat(20_001) }, { name: 'x', extra: 1 }]) {
      expect((await alice.request('POST', `/prompts/${shared.id}/test-cases`, body)).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
  });

  it('refuses values the table cannot keep with a 400 naming why, and keeps what was saved', async () => {
    const alice = await api.createUser();
    const p = await (await alice.request('POST', '/prompts', { title: 'T', content: '{{a}} {{b}}' })).json();
    const saved = await (await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'big', variables: { a: 'x'.repeat(20_000) } })).json();
    // Each value fits, the two together are over the table's 32 KB.
    const tooBig = await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'big', variables: { a: 'x'.repeat(20_000), b: 'y'.repeat(20_000) } });
    expect(tooBig.status).toBe(400);
    expect((await tooBig.json()).error.message).toBe('variables: at most 32 KB in all (as JSON)');
    const nulName = await alice.request('POST', `/prompts/${p.id}/test-cases`, { name: 'nul', variables: { 'a\u0000': 'x' } });
    expect(nulName.status).toBe(400);
    const list = await (await alice.request('GET', `/prompts/${p.id}/test-cases`)).json();
    expect(list.test_cases).toEqual([expect.objectContaining({ id: saved.id, variables: { a: 'x'.repeat(20_000) } })]);
  });
});
