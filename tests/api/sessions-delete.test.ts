/**
 * POST /sessions/delete: several chats deleted in one request (the web app's deletes as a page
 * closes), through the real API and the local Storage. Only the caller's own chats go, each
 * with its messages and its files' objects; someone else's, a group chat the caller is only in,
 * and an id that never existed all answer `not_found` alike; more ids than the cap is a 400
 * that deletes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SESSIONS_PER_DELETE } from '../../supabase/functions/api/routes/sessions-delete.ts';
import { SESSIONS_PER_REQUEST } from '../../web/src/lib/chat/pending-deletes.ts';
import { joinGroupChat, readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

async function newChat(user: StorageApiUser): Promise<string> {
  const res = await user.request('POST', '/sessions', { title: 'Plan' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A chat of `user`'s whose first message carries a file; returns the chat and the file's path. */
async function chatWithFile(user: StorageApiUser): Promise<{ id: string; path: string }> {
  const path = await uploadAs(user, 'chat', 'notes.md', '# notes', 'text/markdown');
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'keep this', attachments: [path] });
  expect(res.status).toBe(200);
  const meta = (await readSse(res)).find((e) => e.event === 'meta')!.data as { session_id: string };
  return { id: meta.session_id, path };
}

const exists = async (id: string) => (await h.stack.db.sql`select 1 from public.chat_sessions where id = ${id}`).length === 1;

describe('POST /sessions/delete', () => {
  it("deletes the caller's chats with their messages and files, and answers not_found alike for anyone else's and for none", async () => {
    const alice = await h.createUser();
    const bob = await h.createUser();
    const [withFile, plain] = [await chatWithFile(alice), await newChat(alice)];
    const bobs = await chatWithFile(bob);
    const group = await newChat(bob);
    await joinGroupChat(bob, alice, group, 'member');
    const never = randomUUID();
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([withFile.path]);

    const ids = [withFile.id, bobs.id, plain, group, never, plain.toUpperCase()];
    const res = await alice.request('POST', '/sessions/delete', { ids });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { id: withFile.id, status: 'deleted' },
        { id: bobs.id, status: 'not_found' },
        { id: plain, status: 'deleted' },
        { id: group, status: 'not_found' },
        { id: never, status: 'not_found' },
      ],
    });
    expect([await exists(withFile.id), await exists(plain)]).toEqual([false, false]);
    expect(await h.stack.db.sql`select id from public.messages where session_id = ${withFile.id}`).toEqual([]);
    // The files' objects went before the answer, as DELETE /sessions/{id} removes them.
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
    // Bob's chats, the group chat Alice is in among them, and his file stay.
    expect([await exists(bobs.id), await exists(group)]).toEqual([true, true]);
    expect(await h.bucketObjects(`${bob.id}/`)).toEqual([bobs.path]);
    expect((await bob.request('GET', `/sessions/${group}`)).status).toBe(200);

    // Asked again: deleted already, so not found — as an id that never existed is.
    expect(await (await alice.request('POST', '/sessions/delete', { ids: [withFile.id] })).json()).toEqual({ results: [{ id: withFile.id, status: 'not_found' }] });
  });

  it(`takes at most ${MAX_SESSIONS_PER_DELETE} ids a request (the web app's chunk), and a refused request deletes nothing`, async () => {
    expect(SESSIONS_PER_REQUEST).toBe(MAX_SESSIONS_PER_DELETE);
    const alice = await h.createUser();
    const mine = await newChat(alice);
    const over = [mine, ...Array.from({ length: MAX_SESSIONS_PER_DELETE }, () => randomUUID())];
    const res = await alice.request('POST', '/sessions/delete', { ids: over });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(`at most ${MAX_SESSIONS_PER_DELETE} chats per request`);
    for (const body of [{ ids: [] }, { ids: ['not-a-uuid'] }, { ids: mine }, {}, { ids: [mine], all: true }]) {
      expect((await alice.request('POST', '/sessions/delete', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await exists(mine)).toBe(true);

    const full = await alice.request('POST', '/sessions/delete', { ids: over.slice(0, MAX_SESSIONS_PER_DELETE) });
    expect(full.status).toBe(200);
    expect(((await full.json()) as { results: { status: string }[] }).results.filter((r) => r.status === 'deleted')).toHaveLength(1);
    expect(await exists(mine)).toBe(false);
  });

  it('needs a signed-in caller', async () => {
    const res = await h.app.request('/api/sessions/delete', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [randomUUID()] }) });
    expect(res.status).toBe(401);
  });
});
