// Group chats, posting: a `member` sends turns in the owner's chat. Whose key answers (the
// owner's when shared, else the member's own), who pays and whose budget is checked, who
// wrote each message (author_id, author_name), one running turn per chat across people, and
// what viewers, removed members and strangers get (403 / 404). The owner's shared key answers
// priced models only (422 unpriced_model before any provider call).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness, type ApiUser, type SseEvent, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  // The operator priced the team's model (README: MODEL_PRICES); any other custom id is unpriced.
  api = await createApiHarness({
    env: { CHAT_RATE_CAPACITY: '1000', CHAT_CHECKPOINT_MS: '100', MODEL_PRICES: JSON.stringify({ 'custom/any-model': { input: 1, output: 2 } }) },
    provider: { tokens: 6 },
  });
});
afterAll(async () => { await api?.close(); });
beforeEach(() => api.fakeProvider.setMode('ok'));

const custom = { provider: 'custom', model: 'any-model' };

async function saveKey(user: ApiUser, key: string) {
  expect((await user.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url })).status).toBe(200);
}

/** An owner with a chat (one finished turn), a member and a viewer; the owner's custom key is `ownerKey`. */
async function groupChat() {
  const [owner, member, viewer, stranger] = await Promise.all(['Olive', 'Mia', 'Vic', 'Sam'].map((name) => api.createUser({ metadata: { display_name: name } })));
  const ownerKey = `sk-owner-${crypto.randomUUID()}`;
  await saveKey(owner!, ownerKey);
  const first = await send(owner!, { message: '/echo hello team' });
  const id = first[0].data.session_id as string;
  for (const [who, role] of [[member!, 'member'], [viewer!, 'viewer']] as const) {
    await joinGroupChat(owner!, who, id, role);
  }
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, id, ownerKey };
}

async function send(user: ApiUser, body: Record<string, unknown>, expectStatus = 200): Promise<SseEvent[]> {
  const res = await user.request('POST', '/chat', { ...custom, ...body });
  expect(res.status, await res.clone().text()).toBe(expectStatus);
  return await readSse(res);
}

const errorOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });
const shareKey = (g: { owner: ApiUser; id: string }, on: boolean) => g.owner.request('PUT', `/sessions/${g.id}/key-sharing`, { share_owner_key: on });

describe('members post in group chats', () => {
  it("with key sharing on, the owner's key answers a member; the owner pays; the member is the author", async () => {
    const g = await groupChat();
    expect((await shareKey(g, true)).status).toBe(200);
    const events = await send(g.member, { session_id: g.id, message: '/echo from the member' });
    expect(events.at(-1)?.event).toBe('done');
    expect(api.fakeProvider.requests.at(-1)?.authorization).toBe(`Bearer ${g.ownerKey}`);
    // The key never reaches the member: not in the stream, not in the logs.
    expect(JSON.stringify(events)).not.toContain(g.ownerKey);
    expect(JSON.stringify(api.logs)).not.toContain(g.ownerKey);
    const meta = events[0].data as { assistant_message_id: string; user_message_id: string };
    const rows = await api.db.sql`select id, user_id, author_id, sender from public.messages where id in (${meta.user_message_id}, ${meta.assistant_message_id}) order by created_at`;
    expect(rows.map((r) => [r.sender, r.user_id, r.author_id])).toEqual([['user', g.owner.id, g.member.id], ['assistant', g.owner.id, g.member.id]]);
    const [log] = await api.db.sql`select user_id, session_id from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log).toEqual({ user_id: g.owner.id, session_id: g.id });
    // Everyone in the chat sees who wrote what, by display name (never an email).
    for (const reader of [g.owner, g.member, g.viewer]) {
      const page = await (await reader.request('GET', `/sessions/${g.id}/messages`)).json();
      expect(page.messages.map((m: { sender: string; author_name: string }) => `${m.sender}:${m.author_name}`))
        .toEqual(['user:Olive', 'assistant:Olive', 'user:Mia', 'assistant:Mia']);
      expect(JSON.stringify(page)).not.toContain(g.member.email);
    }
    // A member's turn leaves the owner's chat settings alone.
    const [session] = await api.db.sql`select metadata from public.chat_sessions where id = ${g.id}`;
    expect(session.metadata).toMatchObject(custom);
  });

  it("with key sharing off, the member's own key answers and the member pays; without one, a clear 422", async () => {
    const g = await groupChat();
    const noKey = await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'hello?' });
    expect(await errorOf(noKey)).toEqual({ status: 422, code: 'missing_credential' });
    const memberKey = `sk-member-${crypto.randomUUID()}`;
    await saveKey(g.member, memberKey);
    const events = await send(g.member, { session_id: g.id, message: '/echo my own key' });
    expect(api.fakeProvider.requests.at(-1)?.authorization).toBe(`Bearer ${memberKey}`);
    const meta = events[0].data as { assistant_message_id: string };
    const [log] = await api.db.sql`select user_id from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log.user_id).toBe(g.member.id);
    const [cred] = await api.db.sql`select last_used_at from public.api_credentials where user_id = ${g.member.id}`;
    expect(cred.last_used_at).not.toBeNull();
  });

  // The web app links the member's own key row only for their own missing key (QA6 #3).
  it("a shared key the owner deleted is a 422 missing_credential naming the owner as the payer; the member's own, not", async () => {
    const g = await groupChat();
    const own = await (await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x' })).json();
    expect(own.error).toEqual({ code: 'missing_credential', message: expect.any(String) });
    await shareKey(g, true);
    expect((await g.owner.request('DELETE', '/credentials/custom')).status).toBeLessThan(300);
    const refused = await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x' });
    const body = await refused.clone().json();
    expect(await errorOf(refused)).toEqual({ status: 422, code: 'missing_credential' });
    expect(body.error).toMatchObject({ payer: 'owner', message: expect.stringMatching(/^The chat's owner shares their key, but has no/) });
  });

  it("checks the payer's budget: the owner's when their key is shared, the member's own otherwise", async () => {
    const g = await groupChat();
    await saveKey(g.member, `sk-member-${crypto.randomUUID()}`);
    // A budget of 0 counts as used up.
    expect((await g.member.request('PUT', '/budget', { monthly_budget_usd: 0 })).status).toBe(200);
    expect(await errorOf(await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x' }))).toEqual({ status: 402, code: 'budget_exceeded' });
    await shareKey(g, true);
    await send(g.member, { session_id: g.id, message: '/echo on the owner' });
    expect((await g.owner.request('PUT', '/budget', { monthly_budget_usd: 0 })).status).toBe(200);
    const refused = await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x' });
    const body = await refused.clone().json();
    expect(await errorOf(refused)).toEqual({ status: 402, code: 'budget_exceeded' });
    expect(body.error.message).toMatch(/owner's monthly budget/);
    expect(body.error.monthly_budget_usd).toBeUndefined();
  });

  it("the owner's shared key answers priced models only: an unpriced id is a 422 before any provider call; the owner's and the member's own keys answer it", async () => {
    const g = await groupChat();
    await shareKey(g, true);
    expect((await g.owner.request('PUT', '/budget', { monthly_budget_usd: 20 })).status).toBe(200);
    const before = api.fakeProvider.requests.length;
    for (const body of [{ message: '/tokens 200' }, { regenerate: true }]) {
      const refused = await g.member.request('POST', '/chat', { ...custom, model: 'any-model-v2', session_id: g.id, ...body });
      const { error } = await refused.clone().json();
      expect(await errorOf(refused)).toEqual({ status: 422, code: 'unpriced_model' });
      expect(error).toMatchObject({ provider: 'custom', model: 'any-model-v2' });
      expect(error.message).toMatch(/"any-model-v2" .* has no price on this server, and the chat owner's shared key answers priced models only/);
    }
    expect(api.fakeProvider.requests.length).toBe(before);
    expect(await api.db.sql`select 1 from public.prompt_usage_logs where model = 'any-model-v2'`).toHaveLength(0);
    // The priced id still goes through on the owner's key, and counts toward the owner's budget.
    await send(g.member, { session_id: g.id, message: '/echo priced' });
    expect(api.fakeProvider.requests.at(-1)?.authorization).toBe(`Bearer ${g.ownerKey}`);
    expect((await (await g.owner.request('GET', '/budget')).json()).spent_usd).toBeGreaterThan(0);
    // Their own money: the owner's own turn, and the member's with sharing off, answer the unpriced id (logged unpriced).
    await send(g.owner, { session_id: g.id, model: 'any-model-v2', message: '/echo mine' });
    await shareKey(g, false);
    await saveKey(g.member, `sk-member-${crypto.randomUUID()}`);
    await send(g.member, { session_id: g.id, model: 'any-model-v2', message: '/echo my key' });
    const logs = await api.db.sql`select user_id, cost_usd from public.prompt_usage_logs where model = 'any-model-v2' and session_id = ${g.id} order by executed_at`;
    expect(logs).toEqual([{ user_id: g.owner.id, cost_usd: null }, { user_id: g.member.id, cost_usd: null }]);
  });

  it('a viewer gets 403 read_only; a removed member and a stranger get 404; nothing is written', async () => {
    const g = await groupChat();
    await shareKey(g, true);
    expect(await errorOf(await g.viewer.request('POST', '/chat', { ...custom, session_id: g.id, message: 'may I?' }))).toEqual({ status: 403, code: 'read_only' });
    expect(await errorOf(await g.stranger.request('POST', '/chat', { ...custom, session_id: g.id, message: 'let me in' }))).toEqual({ status: 404, code: 'not_found' });
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.member.id}`)).status).toBe(204);
    expect(await errorOf(await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'still here?' }))).toEqual({ status: 404, code: 'not_found' });
    const [{ n }] = await api.db.sql`select count(*)::int as n from public.messages where session_id = ${g.id}`;
    expect(n).toBe(2);
  });

  it("one answer runs at a time across the chat's people; members may watch and stop it, viewers only watch", async () => {
    const g = await groupChat();
    await shareKey(g, true);
    const release = api.fakeProvider.pauseAfterFirstToken();
    const res = await g.owner.request('POST', '/chat', { ...custom, session_id: g.id, message: '/echo a slow answer here' });
    const events = await readSse(res, (e) => e.event === 'delta');
    const running = events[0].data.assistant_message_id as string;
    const busy = await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'me too' });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error).toMatchObject({ code: 'turn_running', running_message_id: running });
    // The viewer re-attaches to the running answer (live reading), but may not stop it.
    const watch = await g.viewer.request('GET', `/chat/${running}/stream`);
    expect(watch.status).toBe(200);
    const watched = readSse(watch);
    expect(await errorOf(await g.viewer.request('POST', `/chat/${running}/stop`))).toEqual({ status: 403, code: 'read_only' });
    expect((await g.stranger.request('GET', `/chat/${running}/stream`)).status).toBe(404);
    const stop = await g.member.request('POST', `/chat/${running}/stop`);
    expect(await stop.json()).toEqual({ assistant_message_id: running, status: 'stopped' });
    release();
    expect((await watched).at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    // The answer says who stopped it, to everyone in the chat (the owner asked; the member stopped).
    const [row] = await api.db.sql`select status, stopped_by from public.messages where id = ${running}`;
    expect(row).toEqual({ status: 'stopped', stopped_by: g.member.id });
    const page = (await (await g.owner.request('GET', `/sessions/${g.id}/messages`)).json()) as { messages: { id: string; stopped_by: string | null }[] };
    expect(page.messages.find((m) => m.id === running)?.stopped_by).toBe(g.member.id);
  });

  // Security review 8 #1: an edit or regenerate stopped someone else's running answer and the
  // answer said only "Stopped", although the Stop button's stop names who did it.
  it("an edit or regenerate that supersedes someone else's running answer names who stopped it, both ways", async () => {
    const g = await groupChat();
    await shareKey(g, true);
    const mine = await send(g.member, { session_id: g.id, message: '/echo member question' });
    const supersede = async (asker: ApiUser, stopper: ApiUser, body: Record<string, unknown>) => {
      const release = api.fakeProvider.pauseAfterFirstToken();
      const res = await asker.request('POST', '/chat', { ...custom, session_id: g.id, message: '/echo a slow answer here' });
      const running = (await readSse(res, (e) => e.event === 'delta'))[0]!.data.assistant_message_id as string;
      const again = await stopper.request('POST', '/chat', { ...custom, session_id: g.id, ...body });
      release();
      expect(again.status, await again.clone().text()).toBe(200);
      await readSse(again);
      const [row] = await api.db.sql`select status, error_code, stopped_by from public.messages where id = ${running}`;
      return row;
    };
    // The member rewrites their own earlier question while the owner's answer runs.
    expect(await supersede(g.owner, g.member, { message: '/echo edited', edit_message_id: mine[0]!.data.user_message_id }))
      .toEqual({ status: 'stopped', error_code: 'stopped_by_user', stopped_by: g.member.id });
    // The owner asks for another answer to the member's question while the member's answer runs.
    expect(await supersede(g.member, g.owner, { regenerate: true }))
      .toEqual({ status: 'stopped', error_code: 'stopped_by_user', stopped_by: g.owner.id });
  });

  it("members edit only their own messages and regenerate only answers to them; they attach only their own folder's files", async () => {
    const g = await groupChat();
    await shareKey(g, true);
    const [ownerQuestion] = await api.db.sql`select id from public.messages where session_id = ${g.id} and sender = 'user'`;
    expect(await errorOf(await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'rewritten', edit_message_id: ownerQuestion.id })))
      .toEqual({ status: 403, code: 'not_your_message' });
    expect(await errorOf(await g.member.request('POST', '/chat', { ...custom, session_id: g.id, regenerate: true })))
      .toEqual({ status: 403, code: 'not_your_message' });
    const mine = await send(g.member, { session_id: g.id, message: '/echo first try' });
    const again = await send(g.member, { session_id: g.id, regenerate: true });
    expect(again[0].data.user_message_id).toBe(mine[0].data.user_message_id);
    // The owner may not put words in a member's mouth either.
    expect(await errorOf(await g.owner.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x', edit_message_id: mine[0].data.user_message_id })))
      .toEqual({ status: 403, code: 'not_your_message' });
    // Members attach from their own folder only (the files themselves: tests/api/group-attachments.test.ts).
    expect(await errorOf(await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'see file', attachments: [`${g.owner.id}/a.txt`] })))
      .toEqual({ status: 400, code: 'invalid_attachment_path' });
  });

  it("the owner left alone in the chat still may not edit a removed member's or a deleted account's words", async () => {
    const g = await groupChat();
    await shareKey(g, true);
    const mia = await send(g.member, { session_id: g.id, message: '/echo mine' });
    const val = await api.createUser({ metadata: { display_name: 'Val' } });
    await joinGroupChat(g.owner, val, g.id, 'member');
    const vals = await send(val, { session_id: g.id, message: '/echo also mine' });
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.member.id}`)).status).toBe(204);
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.viewer.id}`)).status).toBe(204);
    await api.db.sql`delete from auth.users where id = ${val.id}`;
    const page = await (await g.owner.request('GET', `/sessions/${g.id}/messages`)).json();
    expect(page.messages.filter((m: { sender: string }) => m.sender === 'user').map((m: { author_id: string | null; author_name: string | null }) => [m.author_id, m.author_name]))
      .toEqual([[g.owner.id, 'Olive'], [g.member.id, 'Mia'], [null, null]]);
    for (const question of [mia[0].data.user_message_id, vals[0].data.user_message_id]) {
      expect(await errorOf(await g.owner.request('POST', '/chat', { ...custom, session_id: g.id, message: 'x', edit_message_id: question })))
        .toEqual({ status: 403, code: 'not_your_message' });
    }
  });

  it('a member removed between the API check and the write is refused by the database: 403, nothing lands', async () => {
    const g = await groupChat();
    await shareKey(g, true);
    // Stands in for a removal that commits after resolveTurnSeat read the membership: a trigger
    // that sorts before messages_guard_author removes the member as the question is written.
    await api.db.sql.unsafe(`
      create function public.test_remove_member() returns trigger language plpgsql as $fn$
      begin delete from public.session_members where session_id = new.session_id and user_id = '${g.member.id}'; return new; end $fn$;
      create trigger a_test_remove_member before insert on public.messages for each row
        when (new.session_id = '${g.id}') execute function public.test_remove_member();`);
    try {
      const res = await g.member.request('POST', '/chat', { ...custom, session_id: g.id, message: 'sneaking in' });
      expect(await errorOf(res)).toEqual({ status: 403, code: 'read_only' });
    } finally {
      await api.db.sql.unsafe('drop trigger a_test_remove_member on public.messages; drop function public.test_remove_member()');
    }
    const [{ n }] = await api.db.sql`select count(*)::int as n from public.messages where session_id = ${g.id}`;
    expect(n).toBe(2);
  });

  // Security review 6 #3: a 404 at a base URL without /v1 stored a hint naming the owner's base
  // URL (host, port, a tenant or token in its path) on the answer, which every member reads.
  it("a 404 at the owner's base URL without /v1: the answer members read names no part of that URL", async () => {
    const g = await groupChat();
    const origin = new URL(api.fakeProvider.url).origin;
    const base = `${origin}/proxy/tenant-7f3a9c/sk-path-SECRET123`;
    expect((await g.owner.request('PUT', '/credentials/custom', { api_key: g.ownerKey, base_url: base })).status).toBe(200);
    expect((await shareKey(g, true)).status).toBe(200);
    const events = await send(g.member, { session_id: g.id, message: 'hello?' });
    expect(events.at(-1)?.data).toMatchObject({ code: 'provider_not_found' });
    const secrets = ['tenant-7f3a9c', 'SECRET123', '/proxy', new URL(origin).host, new URL(origin).hostname, g.ownerKey];
    for (const reader of [g.member, g.viewer, g.owner]) {
      const page = await (await reader.request('GET', `/sessions/${g.id}/messages`)).json();
      const answer = page.messages.at(-1) as { sender: string; status: string; error: string | null };
      expect(answer).toMatchObject({ sender: 'assistant', status: 'error', error: expect.stringContaining('Settings → API keys') });
      for (const part of secrets) expect(JSON.stringify(page)).not.toContain(part);
    }
    for (const part of secrets) expect(JSON.stringify(events)).not.toContain(part);
    const [row] = await api.db.sql<{ error: string }[]>`select error from public.messages where session_id = ${g.id} and sender = 'assistant' order by created_at desc limit 1`;
    for (const part of secrets) expect(row!.error).not.toContain(part);
    expect(row!.error).toContain('may need /v1');
  });
});
