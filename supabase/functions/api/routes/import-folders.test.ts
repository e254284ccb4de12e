// POST /api/import with a chat's own settings and folder: the temperature becomes the chat's
// answer setting; the chats of one source folder go into one project named after it, across
// requests and re-imports, never another account's; projects count against the account's quota
// as if made in the app, and a folder past it is reported while its chats still come in; bad
// folders and temperatures are a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const chat = (id: string, overrides: Record<string, unknown> = {}) => ({
  source: 'chatbot-ui',
  source_id: id,
  title: `Chat ${id}`,
  total: 2,
  messages: [
    { sender: 'user', content: 'Tell me about llamas' },
    { sender: 'assistant', content: 'Llamas are camelids.', model: 'gpt-4' },
  ],
  ...overrides,
});

async function importing(user: ApiUser, conversations: unknown[]) {
  const res = await user.request('POST', '/import', { conversations });
  return { status: res.status, body: await res.json() };
}

async function sessionOf(user: ApiUser, id: string) {
  return await (await user.request('GET', `/sessions/${id}`)).json();
}

async function projectsOf(user: ApiUser): Promise<{ id: string; name: string }[]> {
  return (await (await user.request('GET', '/projects')).json()).projects;
}

describe('POST /import: a chat keeps its temperature', () => {
  it('as its answer setting (metadata.temperature), which the chat page restores; none: the model default', async () => {
    const alice = await api.createUser();
    const { body } = await importing(alice, [chat('warm', { temperature: 0.3 }), chat('plain')]);
    expect((await sessionOf(alice, body.results[0].session_id)).metadata).toEqual({ imported: { source: 'chatbot-ui', id: 'warm' }, temperature: 0.3 });
    expect((await sessionOf(alice, body.results[1].session_id)).metadata).toEqual({ imported: { source: 'chatbot-ui', id: 'plain' } });
  });

  it('refuses a temperature out of the chat’s range or not a number', async () => {
    const alice = await api.createUser();
    for (const temperature of [2.5, -1, '0.3']) {
      const { status, body } = await importing(alice, [chat('t', { temperature })]);
      expect(status).toBe(400);
      expect(body.error.message).toContain('conversations.0.temperature');
    }
  });
});

describe('POST /import: folders become projects', () => {
  it('one project per folder, named after it, across requests; importing again adds no project', async () => {
    const alice = await api.createUser();
    const animals = { source_id: 'f-animals', name: 'Animals' };
    const first = await importing(alice, [chat('a', { folder: animals }), chat('b', { folder: animals }), chat('c')]);
    expect(first.status).toBe(200);
    const projects = await projectsOf(alice);
    expect(projects.map((p) => p.name)).toEqual(['Animals']);
    const [a, b, c] = await Promise.all(first.body.results.map((r: { session_id: string }) => sessionOf(alice, r.session_id)));
    expect([a.project_id, b.project_id, c.project_id]).toEqual([projects[0].id, projects[0].id, null]);

    // A later request (the next batch, or a newer export) files its new chat in the same project,
    // even when the folder was renamed at the source; the same file again changes nothing.
    const later = await importing(alice, [chat('d', { folder: { ...animals, name: 'Animals (renamed)' } }), chat('a', { folder: animals })]);
    expect(later.body.results.map((r: { status: string }) => r.status)).toEqual(['imported', 'duplicate']);
    expect((await sessionOf(alice, later.body.results[0].session_id)).project_id).toBe(projects[0].id);
    expect((await projectsOf(alice)).map((p) => p.name)).toEqual(['Animals']);
  });

  it('a deleted project is made again for the chats a later import adds; the same folder id of another source or account is another project', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const folder = { source_id: '1', name: 'Code' };
    const first = await importing(alice, [chat('x', { folder })]);
    const [project] = await projectsOf(alice);
    expect((await alice.request('DELETE', `/projects/${project.id}`)).status).toBe(204);
    const again = await importing(alice, [chat('y', { folder })]);
    const [remade] = await projectsOf(alice);
    expect(remade).toMatchObject({ name: 'Code' });
    expect(remade.id).not.toBe(project.id);
    expect((await sessionOf(alice, again.body.results[0].session_id)).project_id).toBe(remade.id);
    expect(first.body.results[0].session_id).not.toBe(again.body.results[0].session_id);

    await importing(alice, [chat('z', { source: 'chatgpt', folder })]);
    expect((await projectsOf(alice)).map((p) => p.name).sort()).toEqual(['Code', 'Code']);
    const bobs = await importing(bob, [chat('x', { folder })]);
    const [bobsProject] = await projectsOf(bob);
    expect((await sessionOf(bob, bobs.body.results[0].session_id)).project_id).toBe(bobsProject.id);
    expect((await projectsOf(alice)).map((p) => p.id)).not.toContain(bobsProject.id);
  });

  it('near the account’s 1,000 projects: folders that fit become projects, the rest are reported, and every chat comes in', async () => {
    const alice = await api.createUser();
    // The quota is 1,000 projects (projects_enforce_quota); fill it to one short, as the owner.
    await api.db.sql`insert into public.projects (user_id, name) select ${alice.id}, 'Filler ' || g from generate_series(1, 999) g`;
    const last = { source_id: 'f1', name: 'Last' };
    const tooMany = { source_id: 'f2', name: 'Plants' };
    const { status, body } = await importing(alice, [
      chat('p', { folder: last }), chat('q', { folder: tooMany }), chat('r', { folder: tooMany }), chat('s'),
    ]);
    expect(status).toBe(200);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['imported', 'imported', 'imported', 'imported']);
    expect(body.folders_not_made).toEqual([{ source_id: 'f2', name: 'Plants', reason: 'project_limit' }]);
    const [{ count }] = await api.db.sql<{ count: number }[]>`select count(*)::int as count from public.projects where user_id = ${alice.id}`;
    expect(count).toBe(1000);
    const made = (await projectsOf(alice)).find((p) => p.name === 'Last');
    const sessions = await Promise.all(body.results.map((r: { session_id: string }) => sessionOf(alice, r.session_id)));
    expect(sessions.map((s) => s.project_id)).toEqual([made!.id, null, null, null]);

    // Once there is room, the folder's next new chat gets its project (its earlier ones stay where they are).
    await api.db.sql`delete from public.projects where user_id = ${alice.id} and name = 'Filler 1'`;
    const later = await importing(alice, [chat('t', { folder: tooMany }), chat('q', { folder: tooMany })]);
    expect(later.body.folders_not_made).toEqual([]);
    const plants = (await projectsOf(alice)).find((p) => p.name === 'Plants');
    expect((await sessionOf(alice, later.body.results[0].session_id)).project_id).toBe(plants!.id);
    expect(later.body.results[1].status).toBe('duplicate');
  });

  it('two imports at once with one place left make one project between them, and both bring their chats', async () => {
    const alice = await api.createUser();
    await api.db.sql`insert into public.projects (user_id, name) select ${alice.id}, 'Filler ' || g from generate_series(1, 999) g`;
    const [one, two] = await Promise.all([
      importing(alice, [chat('a', { folder: { source_id: 'fa', name: 'A' } })]),
      importing(alice, [chat('b', { folder: { source_id: 'fb', name: 'B' } })]),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.folders_not_made.length + two.body.folders_not_made.length).toBe(1);
    const [{ count }] = await api.db.sql<{ count: number }[]>`select count(*)::int as count from public.projects where user_id = ${alice.id}`;
    expect(count).toBe(1000);
    expect((await (await alice.request('GET', '/sessions')).json()).sessions).toHaveLength(2);
  });

  it('refuses a folder without a name or id, with a name too long, or with other fields (400 naming the field)', async () => {
    const alice = await api.createUser();
    const bad = [
      { source_id: 'f', name: '   ' },
      { source_id: '', name: 'Empty id' },
      { source_id: 'f', name: 'N'.repeat(101) },
      // A key JSON.parse keeps as the object's own (an object literal's would set its prototype).
      JSON.parse('{"source_id": "f", "name": "Extra", "__proto__": {"polluted": true}}'),
      { source_id: 'f', name: 'Extra', user_id: 'someone-else' },
      'Animals',
      { source_id: 7, name: 'Numeric id' },
    ];
    for (const folder of bad) {
      const { status, body } = await importing(alice, [chat('f', { folder })]);
      expect(status, JSON.stringify(folder)).toBe(400);
      expect(body.error.message).toContain('conversations.0.folder');
    }
    expect(await projectsOf(alice)).toEqual([]);
  });
});
