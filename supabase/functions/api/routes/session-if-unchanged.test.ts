// PATCH /sessions/{id} with if_unchanged (the web app's Undo): applied only if the chat is still
// as the caller last saw it; a change landing from elsewhere between the caller's read and its
// PATCH is answered 409 changed_meanwhile with the chat as it is now, and nothing is overwritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, newSession, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});


const patch = (user: ApiUser, id: string, body: Record<string, unknown>) => user.request('PATCH', `/sessions/${id}`, body);

describe('PATCH /sessions/{id} if_unchanged', () => {
  it('applies the change when the fields are as expected', async () => {
    const alice = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Work' })).json();
    const chat = await newSession(alice, { project_id: project.id });
    const moved = await patch(alice, chat.id, { project_id: null, if_unchanged: { project_id: project.id } });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ project_id: null });
    const archived = await patch(alice, chat.id, { archived: true, if_unchanged: { archived: false } });
    expect(archived.status).toBe(200);
    const restored = await patch(alice, chat.id, { archived: false, if_unchanged: { archived: true } });
    expect(await restored.json()).toMatchObject({ archived_at: null });
    const renamed = await patch(alice, chat.id, { title: 'Plans', if_unchanged: { title: 'New chat' } });
    expect(await renamed.json()).toMatchObject({ title: 'Plans' });
  });

  it('a change made between the read and the undo: 409 changed_meanwhile with the chat as it is, nothing overwritten', async () => {
    const alice = await api.createUser();
    const [work, home] = [await (await alice.request('POST', '/projects', { name: 'Work' })).json(), await (await alice.request('POST', '/projects', { name: 'Home' })).json()];
    const chat = await newSession(alice, { project_id: work.id, title: 'Trip' });
    // Tab 1 read the chat in Work; tab 2 renames it and moves it to Home; tab 1's undo follows.
    expect((await patch(alice, chat.id, { title: 'Holiday', project_id: home.id })).status).toBe(200);
    const undo = await patch(alice, chat.id, { project_id: null, if_unchanged: { project_id: work.id } });
    expect(undo.status).toBe(409);
    const body = await undo.json();
    expect(body.error).toMatchObject({ code: 'changed_meanwhile', session: { id: chat.id, title: 'Holiday', project_id: home.id } });
    const rename = await patch(alice, chat.id, { title: 'Trip again', if_unchanged: { title: 'Trip' } });
    expect(rename.status).toBe(409);
    expect(await (await alice.request('GET', `/sessions/${chat.id}`)).json()).toMatchObject({ title: 'Holiday', project_id: home.id });

    // The marks: archived elsewhere after this tab restored it.
    expect((await patch(alice, chat.id, { archived: true })).status).toBe(200);
    const unarchive = await patch(alice, chat.id, { archived: true, if_unchanged: { archived: false } });
    expect(unarchive.status).toBe(409);
    const pin = await patch(alice, chat.id, { pinned: false, if_unchanged: { pinned: true } });
    expect(pin.status).toBe(409);
    expect((await pin.json()).error.session).toMatchObject({ pinned_at: null });
  });

  it('a chat without marks yet meets "not archived" and not "archived"', async () => {
    const alice = await api.createUser();
    const chat = await newSession(alice);
    expect((await patch(alice, chat.id, { archived: false, if_unchanged: { archived: true } })).status).toBe(409);
    expect(await api.db.sql`select 1 from public.session_marks where session_id = ${chat.id}`).toHaveLength(0);
    expect((await patch(alice, chat.id, { archived: true, if_unchanged: { archived: false } })).status).toBe(200);
  });

  it('a change committed while the undo waits for the row is not overwritten (one conditional statement)', async () => {
    const alice = await api.createUser();
    const chat = await newSession(alice, { title: 'Trip' });
    expect((await patch(alice, chat.id, { title: 'Holiday' })).status).toBe(200);
    // Another writer holds the row, having renamed it; the undo (read before: "Holiday") waits
    // for the row's lock and must see the newer title once it is released.
    let undo: Promise<Response> | undefined;
    await api.db.sql.begin(async (tx) => {
      await tx`update public.chat_sessions set title = 'Elsewhere' where id = ${chat.id}`;
      undo = patch(alice, chat.id, { title: 'Trip', if_unchanged: { title: 'Holiday' } });
      await expect.poll(async () => (await api.db.sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`)[0]!.n).toBeGreaterThan(0);
    });
    const res = await undo!;
    expect(res.status).toBe(409);
    expect((await res.json()).error.session).toMatchObject({ title: 'Elsewhere' });
    expect((await api.db.sql`select title from public.chat_sessions where id = ${chat.id}`)[0]).toEqual({ title: 'Elsewhere' });
  });

  it("someone else's chat stays a 404, a member's own marks are conditional too, and a condition on a field not written is a 400", async () => {
    const [alice, bob, mallory] = [await api.createUser(), await api.createUser(), await api.createUser()];
    const chat = await newSession(alice, { title: 'Team' });
    expect((await patch(mallory, chat.id, { title: 'X', if_unchanged: { title: 'Team' } })).status).toBe(404);
    expect((await patch(mallory, chat.id, { title: 'X', if_unchanged: { title: 'Other' } })).status).toBe(404);
    await joinGroupChat(alice, bob, chat.id);
    expect((await patch(bob, chat.id, { title: 'X', if_unchanged: { title: 'Team' } })).status).toBe(404);
    expect((await patch(bob, chat.id, { pinned: true, if_unchanged: { pinned: false } })).status).toBe(200);
    expect((await patch(bob, chat.id, { pinned: true, if_unchanged: { pinned: false } })).status).toBe(409);
    expect((await patch(alice, chat.id, { pinned: true, if_unchanged: { title: 'Team' } })).status).toBe(400);
    expect((await patch(alice, chat.id, { if_unchanged: { title: 'Team' } })).status).toBe(400);
  });
});
