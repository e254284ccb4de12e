// POST /api/sessions/{id}/title: the chat's model names it from the first question and answer,
// only over the automatic title, on the owner's key and budget, logged like any call; a rename
// wins, and failures leave the title as it was.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, onceStored, readSse, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };
const QUESTION = 'Please explain how the **tides** on Earth work, and why there are two a day';

/** A new chat with one complete answer; returns its id. */
async function answered(user: ApiUser, message = QUESTION): Promise<string> {
  const res = await user.request('POST', '/chat', { ...demo, message });
  expect(res.status).toBe(200);
  const events = await readSse(res);
  expect(events.at(-1)?.data).toMatchObject({ status: 'complete' });
  return events[0]!.data.session_id as string;
}
const title = async (sessionId: string) => (await api.db.sql`select title from public.chat_sessions where id = ${sessionId}`)[0]?.title as string;
const name = (user: ApiUser, sessionId: string) => user.request('POST', `/sessions/${sessionId}/title`);

describe('POST /api/sessions/{id}/title', () => {
  it("names the chat with its model, shows it the question and answer, and logs the call against the chat", async () => {
    const alice = await api.createUser();
    const id = await answered(alice);
    expect(await title(id)).toBe('Please explain how the tides on Earth work, and why…');
    const res = await name(alice, id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ title: 'Please explain how the tides', provider: 'demo', model: 'demo-model' });
    expect(await title(id)).toBe('Please explain how the tides');

    const request = api.fakeProvider.requests.at(-1)?.body as { model: string; stream?: boolean; messages: { role: string; content: string }[] };
    expect(request.model).toBe('demo-model');
    expect(request.stream).not.toBe(true);
    expect(request.messages[0]?.role).toBe('system');
    expect(request.messages[1]?.content).toContain(`<question>\n${QUESTION}\n</question>`);
    expect(request.messages[1]?.content).toContain('<answer>\nHere is a short answer');

    const logs = await api.db.sql`select status, provider, model, message_id, prompt_tokens, completion_tokens, token_count
      from public.prompt_usage_logs where session_id = ${id} order by executed_at`;
    expect(logs).toHaveLength(2); // the turn, then the title
    expect(logs[1]).toMatchObject({ status: 'success', provider: 'demo', model: 'demo-model', message_id: null, completion_tokens: 5 });
    expect(logs[1]!.prompt_tokens).toBeGreaterThan(0);

    // Named once: asking again is refused before any call.
    const calls = api.fakeProvider.requests.length;
    const again = await name(alice, id);
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('title_set');
    expect(api.fakeProvider.requests.length).toBe(calls);
  });

  it('leaves a chat the user renamed, and a rename made while the model answers wins', async () => {
    const alice = await api.createUser();
    const renamed = await answered(alice);
    expect((await alice.request('PATCH', `/sessions/${renamed}`, { title: 'Moon business' })).status).toBe(200);
    const calls = api.fakeProvider.requests.length;
    const res = await name(alice, renamed);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('title_set');
    expect(api.fakeProvider.requests.length).toBe(calls);
    expect(await title(renamed)).toBe('Moon business');

    // A rename lands while the model answers (here: as its call is logged, between the read
    // and the write): the write finds another title and keeps it.
    const racing = await answered(alice);
    await api.db.sql`
      create function public.test_rename_meanwhile() returns trigger language plpgsql as $fn$
      begin
        update public.chat_sessions set title = 'Renamed meanwhile' where id = new.session_id;
        return null;
      end $fn$`;
    await api.db.sql.unsafe(`create trigger test_rename_meanwhile after insert on public.prompt_usage_logs
      for each row when (new.session_id = '${racing}'::uuid and new.message_id is null) execute function public.test_rename_meanwhile()`);
    try {
      const raced = await name(alice, racing);
      expect(raced.status).toBe(409);
      expect((await raced.json()).error.code).toBe('title_set');
      expect(await title(racing)).toBe('Renamed meanwhile');
    } finally {
      await api.db.sql`drop trigger test_rename_meanwhile on public.prompt_usage_logs`;
      await api.db.sql`drop function public.test_rename_meanwhile()`;
    }
  });

  it('keeps the title when the provider fails, and says why', async () => {
    const alice = await api.createUser();
    const id = await answered(alice);
    const before = await title(id);
    api.fakeProvider.setMode('500');
    try {
      const res = await name(alice, id);
      expect(res.status).toBe(502);
      expect((await res.json()).error.code).toBe('provider_unavailable');
    } finally {
      api.fakeProvider.setMode('ok');
    }
    expect(await title(id)).toBe(before);
    const [failed] = await api.db.sql`select status, error_code from public.prompt_usage_logs where session_id = ${id} and message_id is null`;
    expect(failed).toMatchObject({ status: 'error', error_code: 'provider_unavailable' });
    // It can be asked again once the provider is back.
    expect((await name(alice, id)).status).toBe(200);
  });

  it('is the owner\'s: members get 403, others 404, and a chat without a complete answer 409', async () => {
    const owner = await api.createUser();
    const member = await api.createUser();
    const stranger = await api.createUser();
    const id = await answered(owner);
    await joinGroupChat(owner, member, id, 'member');
    expect((await name(member, id)).status).toBe(403);
    expect((await name(stranger, id)).status).toBe(404);
    expect((await name(stranger, randomUUID())).status).toBe(404);
    expect((await api.request('POST', `/sessions/${id}/title`)).status).toBe(401);
    expect((await name(owner, 'not-a-uuid')).status).toBe(400);
    expect(await title(id)).toBe('Please explain how the tides on Earth work, and why…');

    const empty = (await (await owner.request('POST', '/sessions', {})).json()).id as string;
    const res = await name(owner, empty);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('no_answer');
  });

  it('is refused past the budget, and rate limited', async () => {
    const alice = await api.createUser();
    const id = await answered(alice);
    await api.db.sql`update public.profiles set monthly_budget_usd = 0 where id = ${alice.id}`;
    const calls = api.fakeProvider.requests.length;
    const refused = await name(alice, id);
    expect(refused.status).toBe(402);
    expect((await refused.json()).error.code).toBe('budget_exceeded');
    expect(api.fakeProvider.requests.length).toBe(calls);

    // Ten at once, then one every ten seconds.
    const bob = await api.createUser();
    const chat = await answered(bob);
    for (let i = 0; i < 10; i++) {
      await api.db.sql`update public.chat_sessions set title = 'New chat' where id = ${chat}`;
      expect((await name(bob, chat)).status).toBe(200);
    }
    await api.db.sql`update public.chat_sessions set title = 'New chat' where id = ${chat}`;
    const limited = await name(bob, chat);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('POST /api/chat with name_chat', () => {
  const namingCalls = () => api.fakeProvider.requests.filter((r) => JSON.stringify(r.body).includes('You name chats')).length;

  it('names a new chat on the server once its first answer is complete, though its client left at the first token', async () => {
    const alice = await api.createUser();
    const res = await alice.request('POST', '/chat', { ...demo, message: QUESTION, name_chat: true });
    expect(res.status).toBe(200);
    const events = await readSse(res, onceStored((e) => e.event === 'delta')); // then the client is gone
    const id = events[0]!.data.session_id as string;
    expect(await eventually(async () => (await title(id)) === 'Please explain how the tides')).toBe(true);
    const logs = await api.db.sql`select status, message_id from public.prompt_usage_logs where session_id = ${id} order by executed_at`;
    expect(logs).toHaveLength(2); // the turn, then the title
    expect(logs[1]).toMatchObject({ status: 'success', message_id: null });
    // Named once: asking again is refused.
    expect((await name(alice, id)).status).toBe(409);
  });

  it('is ignored in an existing chat, and a failed first answer does not name its chat', async () => {
    const alice = await api.createUser();
    const id = await answered(alice);
    const calls = namingCalls();
    const next = await alice.request('POST', '/chat', { ...demo, session_id: id, message: 'And the moon?', name_chat: true });
    expect((await readSse(next)).at(-1)?.data).toMatchObject({ status: 'complete' });

    api.fakeProvider.setMode('500');
    let failed: string;
    try {
      const res = await alice.request('POST', '/chat', { ...demo, message: 'This one fails', name_chat: true });
      const events = await readSse(res);
      expect(events.at(-1)?.data).toMatchObject({ code: 'provider_unavailable' });
      failed = events[0]!.data.session_id as string;
    } finally {
      api.fakeProvider.setMode('ok');
    }
    await eventually(async () => (await api.db.sql`select status from public.messages where session_id = ${failed} and sender = 'assistant'`)[0]?.status === 'error');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(namingCalls()).toBe(calls);
    expect(await title(id)).toBe('Please explain how the tides on Earth work, and why…');
    expect(await title(failed)).toBe('This one fails');
  });

  it('leaves a chat renamed while its first answer ran', async () => {
    const alice = await api.createUser();
    const res = await alice.request('POST', '/chat', { ...demo, message: QUESTION, name_chat: true });
    const events = await readSse(res, onceStored((e) => e.event === 'delta'));
    const id = events[0]!.data.session_id as string;
    expect((await alice.request('PATCH', `/sessions/${id}`, { title: 'Tides' })).status).toBe(200);
    await eventually(async () => (await api.db.sql`select status from public.messages where session_id = ${id} and sender = 'assistant'`)[0]?.status === 'complete');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await title(id)).toBe('Tides');
  });
});
