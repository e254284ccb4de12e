// /api/projects: CRUD, the system prompt reference, IDOR and malformed input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { createPrompt as createPromptAs } from '../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const createPrompt = (user: ApiUser, body: Record<string, unknown> = {}) =>
  createPromptAs(user, { title: 'Helper', content: 'You help with {{topic|anything}}.', ...body });

describe('projects', () => {
  it('creates, lists, reads, updates and deletes a project', async () => {
    const alice = await api.createUser();
    const created = await alice.request('POST', '/projects', { name: '  Research  ', description: 'Papers' });
    expect(created.status).toBe(201);
    const project = await created.json();
    expect(project).toMatchObject({ name: 'Research', description: 'Papers', system_prompt_id: null, system_prompt_label: null });

    const list = await (await alice.request('GET', '/projects')).json();
    expect(list.projects.map((p: { id: string }) => p.id)).toEqual([project.id]);

    const got = await alice.request('GET', `/projects/${project.id}`);
    expect(await got.json()).toMatchObject({ id: project.id, name: 'Research' });

    const patched = await alice.request('PATCH', `/projects/${project.id}`, { name: 'Reading' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: 'Reading', description: 'Papers' });

    expect((await alice.request('DELETE', `/projects/${project.id}`)).status).toBe(204);
    expect((await alice.request('GET', `/projects/${project.id}`)).status).toBe(404);
    expect((await alice.request('DELETE', `/projects/${project.id}`)).status).toBe(404);
  });

  it('pages through projects with limit and cursor, newest change first, none repeated or skipped', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    await bob.request('POST', '/projects', { name: 'Not yours' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await (await alice.request('POST', '/projects', { name: `P${i}` })).json()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await alice.request('GET', `/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { projects: { id: string }[]; next_cursor: string | null };
      expect(body.projects.length).toBeLessThanOrEqual(2);
      seen.push(...body.projects.map((p) => p.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    // A change moves a project to the front of the first page.
    await alice.request('PATCH', `/projects/${ids[4]}`, { name: 'Touched' });
    const first = await (await alice.request('GET', '/projects?limit=1')).json();
    expect(first.projects.map((p: { id: string }) => p.id)).toEqual([ids[4]]);
    expect(first.next_cursor).toEqual(expect.any(String));
    for (const query of ['limit=0', 'limit=501', 'cursor=abc', 'limit=x']) {
      const res = await alice.request('GET', `/projects?${query}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toMatch(/^invalid_(request|cursor)$/);
    }
  });

  it('keeps a session in a deleted project, unfiled', async () => {
    const alice = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Temp' })).json();
    const session = await (await alice.request('POST', '/sessions', { project_id: project.id })).json();
    await alice.request('DELETE', `/projects/${project.id}`);
    const after = await (await alice.request('GET', `/sessions/${session.id}`)).json();
    expect(after.project_id).toBeNull();
  });

  it('sets a system prompt with a label, and clears the label with the prompt', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const res = await alice.request('POST', '/projects', { name: 'P', system_prompt_id: prompt.id, system_prompt_label: 'production' });
    expect(res.status).toBe(201);
    const project = await res.json();
    expect(project).toMatchObject({ system_prompt_id: prompt.id, system_prompt_label: 'production' });
    const cleared = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_id: null });
    expect(await cleared.json()).toMatchObject({ system_prompt_id: null, system_prompt_label: null });
    const labelOnly = await alice.request('POST', '/projects', { name: 'P', system_prompt_label: 'production' });
    expect(labelOnly.status).toBe(400);
  });

  it("refuses another user's private prompt as the system prompt, but accepts a public one", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const privatePrompt = await createPrompt(alice);
    const publicPrompt = await createPrompt(alice, { is_public: true });
    const refused = await bob.request('POST', '/projects', { name: 'B', system_prompt_id: privatePrompt.id });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_found' } });
    const accepted = await bob.request('POST', '/projects', { name: 'B', system_prompt_id: publicPrompt.id });
    expect(accepted.status).toBe(201);
  });

  it("names the system prompt as the caller can read it, in the list and on every read and write", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const own = await createPrompt(alice, { title: 'Style guide' });
    const shared = await createPrompt(alice, { title: 'Shared reviewer', is_public: true });
    const created = await (await alice.request('POST', '/projects', { name: 'Docs', system_prompt_id: own.id })).json();
    expect(created).toMatchObject({ system_prompt_title: 'Style guide' });
    expect((await (await alice.request('GET', '/projects')).json()).projects).toEqual([expect.objectContaining({ id: created.id, system_prompt_title: 'Style guide' })]);
    const patched = await (await alice.request('PATCH', `/projects/${created.id}`, { system_prompt_id: null })).json();
    expect(patched).toMatchObject({ system_prompt_title: null });

    // Bob's project uses Alice's public prompt; once she makes it private he can no longer read its title.
    const bobs = await (await bob.request('POST', '/projects', { name: 'Reviews', system_prompt_id: shared.id })).json();
    expect(bobs).toMatchObject({ system_prompt_title: 'Shared reviewer' });
    expect((await alice.request('PATCH', `/prompts/${shared.id}`, { is_public: false })).status).toBe(200);
    expect(await (await bob.request('GET', `/projects/${bobs.id}`)).json()).toMatchObject({ system_prompt_id: shared.id, system_prompt_title: null });
  });

  it("answers 404 for another user's project on every route", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Secret' })).json();
    for (const [method, body] of [['GET'], ['PATCH', { name: 'Mine now' }], ['DELETE']] as const) {
      const res = await bob.request(method, `/projects/${project.id}`, body);
      expect(res.status, method).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await (await bob.request('GET', '/projects')).json()).projects).toEqual([]);
    expect(await (await alice.request('GET', `/projects/${project.id}`)).json()).toMatchObject({ name: 'Secret' });
  });

  it('answers malformed input with 400 JSON', async () => {
    const alice = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Ok' })).json();
    const cases: [string, string, unknown][] = [
      ['POST', '/projects', { name: '' }],
      ['POST', '/projects', { name: '   ' }],
      ['POST', '/projects', { name: 42 }],
      ['POST', '/projects', { name: 'x'.repeat(101) }],
      ['POST', '/projects', { name: 'ok', owner: 'me' }],
      ['POST', '/projects', { name: 'nul\u0000' }],
      ['POST', '/projects', { name: 'ok', description: 'nul\u0000' }],
      ['POST', '/projects', { name: 'ok', system_prompt_id: 'not-a-uuid' }],
      ['POST', '/projects', { name: 'ok', system_prompt_label: 'Bad Label' }],
      ['POST', '/projects', 'not json'],
      ['PATCH', `/projects/${project.id}`, {}],
      ['PATCH', `/projects/${project.id}`, { user_id: alice.id }],
      ['GET', '/projects/not-a-uuid', undefined],
      ['DELETE', "/projects/1' or '1'='1", undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await alice.request(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
  });

  it('requires a token', async () => {
    expect((await api.request('GET', '/projects')).status).toBe(401);
  });
});
