// Deleting a branch through the API: the message and every reply beneath it go, siblings stay,
// the session shows the newest remaining branch under the parent; 409 while an answer is being
// written beneath it; the owner only (403 for a group member, 404 for anyone else).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '1000' } }); });
afterAll(async () => { await api?.close(); });

const demo = { provider: 'demo', model: 'demo-model' };
async function chat(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { ...demo, ...body });
  expect(res.status).toBe(200);
  const events = await readSse(res);
  return events[0].data as { session_id: string; user_message_id: string; assistant_message_id: string };
}
async function branch(user: ApiUser, sessionId: string) {
  const body = (await (await user.request('GET', `/sessions/${sessionId}/messages`)).json()) as { messages: { content: string; siblings: { count: number } }[] };
  return body.messages.map((m) => `${m.content} ${m.siblings.count}`);
}

describe('DELETE /sessions/{id}/messages/{message_id}', () => {
  it('deletes the branch beneath a message; its sibling branch stays and is shown', async () => {
    const alice = await api.createUser();
    const a = await chat(alice, { message: '/echo a' });
    const b = await chat(alice, { session_id: a.session_id, message: '/echo b' });
    await chat(alice, { session_id: a.session_id, message: '/echo b2' });
    const c = await chat(alice, { session_id: a.session_id, edit_message_id: b.user_message_id, message: '/echo c' });
    expect(await branch(alice, a.session_id)).toEqual(['/echo a 1', 'a 1', '/echo c 2', 'c 1']);
    // Show b's branch, then delete it: the view falls back to the newest branch under a's answer (c).
    await alice.request('POST', `/sessions/${a.session_id}/branch`, { message_id: b.user_message_id });
    expect(await branch(alice, a.session_id)).toEqual(['/echo a 1', 'a 1', '/echo b 2', 'b 1', '/echo b2 1', 'b2 1']);
    expect((await alice.request('DELETE', `/sessions/${a.session_id}/messages/${b.user_message_id}`)).status).toBe(204);
    expect(await branch(alice, a.session_id)).toEqual(['/echo a 1', 'a 1', '/echo c 1', 'c 1']);
    const left = await api.db.sql`select content from public.messages where session_id = ${a.session_id} order by created_at`;
    expect(left.map((r) => r.content)).toEqual(['/echo a', 'a', '/echo c', 'c']);
    // The usage logs of the deleted answers stay (the calls were made), unlinked from the rows.
    const logs = await api.db.sql`select message_id from public.prompt_usage_logs where session_id = ${a.session_id}`;
    expect(logs).toHaveLength(4);
    expect(logs.filter((l) => l.message_id === c.assistant_message_id)).toHaveLength(1);
    expect((await alice.request('DELETE', `/sessions/${a.session_id}/messages/${b.user_message_id}`)).status).toBe(404);
  });

  it('answers 409 while an answer is being written beneath the message, and deletes other branches meanwhile', async () => {
    const alice = await api.createUser();
    const a = await chat(alice, { message: '/echo a' });
    const b = await chat(alice, { session_id: a.session_id, message: '/echo b' });
    const release = api.fakeProvider.pauseAfterFirstToken();
    const res = await alice.request('POST', '/chat', { ...demo, session_id: a.session_id, message: '/echo still going' });
    const view = readSse(res);
    const running = await eventually(async () => {
      const [r] = await api.db.sql`select id from public.messages where session_id = ${a.session_id} and status = 'streaming'`;
      return r ? (r.id as string) : null;
    });
    try {
      const refused = await alice.request('DELETE', `/sessions/${a.session_id}/messages/${b.user_message_id}`);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({ error: expect.objectContaining({ code: 'turn_running', running_message_id: running }) });
    } finally {
      release();
      await view;
    }
    expect((await alice.request('DELETE', `/sessions/${a.session_id}/messages/${b.user_message_id}`)).status).toBe(204);
    expect(await branch(alice, a.session_id)).toEqual(['/echo a 1', 'a 1']);
  });

  it('is for the owner only: 403 for a group member, 404 for another user', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const eve = await api.createUser();
    const a = await chat(alice, { message: '/echo a' });
    await joinGroupChat(alice, bob, a.session_id, 'member');
    expect((await bob.request('DELETE', `/sessions/${a.session_id}/messages/${a.user_message_id}`)).status).toBe(403);
    expect((await eve.request('DELETE', `/sessions/${a.session_id}/messages/${a.user_message_id}`)).status).toBe(404);
    expect(await branch(alice, a.session_id)).toEqual(['/echo a 1', 'a 1']);
  });
});
