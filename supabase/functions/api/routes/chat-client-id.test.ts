// POST /api/chat with a client_id: a question sent again (the web app's queue repeating a POST
// whose answer it never heard) is one question, not two — 409 already_sent names the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '1000' } });
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };
const questions = async (sessionId: string, content: string) =>
  (await api.db.sql`select id from public.messages where session_id = ${sessionId} and sender = 'user' and content = ${content}`).map((r) => r.id);

describe('client_id', () => {
  it('a new chat sent again with its client_id is refused with where the first one is', async () => {
    const alice = await api.createUser();
    const clientId = crypto.randomUUID();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo once', client_id: clientId }));
    const meta = events[0]!.data;
    const again = await alice.request('POST', '/chat', { ...demo, message: '/echo once', client_id: clientId });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'already_sent', session_id: meta.session_id, user_message_id: meta.user_message_id } });
    expect(await questions(meta.session_id, '/echo once')).toEqual([meta.user_message_id]);
    const [{ count }] = await api.db.sql`select count(*)::int from public.chat_sessions where user_id = ${alice.id}`;
    expect(count).toBe(1);
    // Another person's id space is their own; a new id is a new question.
    const bob = await api.createUser();
    expect((await bob.request('POST', '/chat', { ...demo, message: '/echo once', client_id: clientId })).status).toBe(200);
    const next = await alice.request('POST', '/chat', { ...demo, session_id: meta.session_id, message: '/echo once', client_id: crypto.randomUUID() });
    expect(next.status).toBe(200);
    await readSse(next);
    expect(await questions(meta.session_id, '/echo once')).toHaveLength(2);
  });

  it('two sends of one client_id racing in a chat write one question, the loser told already_sent (the database holds the line)', async () => {
    const alice = await api.createUser();
    const first = (await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo start' })))[0]!.data;
    // Raced several times: the loser meets either the id's unique key or the session's lock
    // (whichever insert comes first in the winner's transaction); both must say already_sent.
    for (let round = 0; round < 8; round++) {
      const body = { ...demo, session_id: first.session_id, message: `/echo twice? ${round}`, client_id: crypto.randomUUID() };
      const responses = await Promise.all([alice.request('POST', '/chat', body), alice.request('POST', '/chat', body)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const refused = responses.find((r) => r.status === 409)!;
      expect(await refused.json()).toMatchObject({ error: { code: 'already_sent', session_id: first.session_id } });
      const meta = (await readSse(responses.find((r) => r.status === 200)!))[0]!.data;
      expect(await questions(first.session_id, body.message)).toEqual([meta.user_message_id]);
    }
  });

  it('is refused with regenerate, and must be a UUID', async () => {
    const alice = await api.createUser();
    expect((await alice.request('POST', '/chat', { ...demo, message: 'x', client_id: 'not-a-uuid' })).status).toBe(400);
    const res = await alice.request('POST', '/chat', { ...demo, session_id: crypto.randomUUID(), regenerate: true, client_id: crypto.randomUUID() });
    expect(res.status).toBe(400);
  });
});
