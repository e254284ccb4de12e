// POST /api/chat happy paths through the real app, database and fake provider: streaming,
// persistence, the user's own key reaching the provider, context, prompts, regenerate, edit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ provider: { tokens: 10 }, env: { CHAT_CHECKPOINT_MS: '100' } });
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => api.fakeProvider.setMode('ok'));

const demo = { provider: 'demo', model: 'demo-model' };
const lastProviderBody = () => api.fakeProvider.requests.at(-1)?.body as { messages: { role: string; content: string }[]; max_tokens?: number };
type BranchMessage = { id: string; content: string; siblings: { count: number; index: number; prev_id: string | null; next_id: string | null } };
/** The session's active branch as GET /sessions/{id}/messages returns it. */
async function branch(user: ApiUser, sessionId: string): Promise<BranchMessage[]> {
  const res = await user.request('GET', `/sessions/${sessionId}/messages`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: BranchMessage[] }).messages;
}
async function chat(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { ...demo, ...body });
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
  return await readSse(res);
}

describe('POST /api/chat', () => {
  it('streams meta, deltas, usage and done, and persists the whole turn', async () => {
    const alice = await api.createUser();
    const res = await alice.request('POST', '/chat', { ...demo, message: 'How do I print in JS?\nThanks' });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('meta');
    // Deltas are numbered 1, 2, 3 … (also as the SSE id) and batched at most every 50 ms.
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.map((e) => e.data.seq)).toEqual(deltas.map((_, i) => i + 1));
    expect(deltas.map((e) => e.id)).toEqual(deltas.map((e) => String(e.data.seq)));
    expect(names.slice(-2)).toEqual(['usage', 'done']);
    const meta = events[0].data;
    expect(meta).toMatchObject({ dropped_turns: 0, provider: 'demo', model: 'demo-model' });
    const text = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(text).toContain('```js');

    const [session] = await api.db.sql`select title, user_id, metadata from public.chat_sessions where id = ${meta.session_id}`;
    expect(session).toMatchObject({ title: 'How do I print in JS?', user_id: alice.id, metadata: { provider: 'demo', model: 'demo-model' } });
    const messages = await api.db.sql`select id, sender, content, status, token_count, ttft_ms, latency_ms, provider_message_id
      from public.messages where session_id = ${meta.session_id} order by created_at`;
    expect(messages.map((m) => [m.sender, m.status])).toEqual([['user', 'complete'], ['assistant', 'complete']]);
    expect(messages[0].id).toBe(meta.user_message_id);
    expect(messages[1]).toMatchObject({ id: meta.assistant_message_id, content: text, token_count: 10 });
    expect(messages[1].latency_ms).toBeGreaterThanOrEqual(messages[1].ttft_ms);
    const [log] = await api.db.sql`select * from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log).toMatchObject({ user_id: alice.id, status: 'success', provider: 'demo', completion_tokens: 10, session_id: meta.session_id });
    expect(log.token_count).toBe(log.prompt_tokens + log.completion_tokens);
    const usage = events.find((e) => e.event === 'usage')?.data;
    expect(usage).toMatchObject({ completion_tokens: 10, prompt_tokens: log.prompt_tokens });
  });

  it("sends the user's decrypted key to the provider and never logs it", async () => {
    const alice = await api.createUser();
    const key = `sk-live-${crypto.randomUUID()}`;
    await alice.request('PUT', '/credentials/custom', { api_key: key, base_url: api.fakeProvider.url });
    const events = await chat(alice, { provider: 'custom', model: 'any-model', message: '/echo hello there' });
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe('hello there');
    expect(api.fakeProvider.requests.at(-1)?.authorization).toBe(`Bearer ${key}`);
    expect(JSON.stringify(api.logs)).not.toContain(key);
    const [cred] = await api.db.sql`select last_used_at from public.api_credentials where user_id = ${alice.id}`;
    expect(cred.last_used_at).not.toBeNull();
  });

  it('checkpoints the partial answer while it streams and writes the row once, at the end', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const res = await alice.request('POST', '/chat', { ...demo, message: '/echo first second third' });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // A new chat streams before its rows are committed; `stored` says they are.
    while (!text.includes('event:delta') || !text.includes('event:stored')) text += (await reader.read()).value ?? '';
    const assistantId = /"assistant_message_id":"([0-9a-f-]{36})"/.exec(text)![1];
    const sessionId = /"session_id":"([0-9a-f-]{36})"/.exec(text)![1];
    // Another device reading the chat sees the latest checkpoint and the seq it covers.
    const during = await eventually(async () => {
      const page = await (await alice.request('GET', `/sessions/${sessionId}/messages`)).json();
      const answer = page.messages.find((m: { id: string }) => m.id === assistantId);
      return answer?.content ? answer : null;
    });
    expect(during).toMatchObject({ status: 'streaming', content: 'first', seq: 1 });
    // The row itself is not rewritten while it streams (no full-row WAL or fan-out per checkpoint).
    const [row] = await api.db.sql`select status, content from public.messages where id = ${assistantId}`;
    expect(row).toEqual({ status: 'streaming', content: '' });
    release();
    while (!(await reader.read()).done);
    const [after] = await api.db.sql`select status, content, stream_units from public.messages where id = ${assistantId}`;
    expect(after).toMatchObject({ status: 'complete', content: 'first second third' });
    expect(after.stream_units.reduce((a: number, b: number) => a + b, 0)).toBe('first second third'.length);
    const [chunks] = await api.db.sql`select count(*)::int as n from private.message_chunks where message_id = ${assistantId}`;
    expect(chunks.n).toBe(0);
  });

  it('still logs the call when the chat is deleted while the answer streams', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const res = await alice.request('POST', '/chat', { ...demo, message: '/echo going going gone' });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // A new chat streams before its rows are committed; `stored` says they are.
    while (!text.includes('event:delta') || !text.includes('event:stored')) text += (await reader.read()).value ?? '';
    const sessionId = /"session_id":"([0-9a-f-]{36})"/.exec(text)![1];
    await api.db.sql`delete from public.chat_sessions where id = ${sessionId}`;
    release();
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toContain('event:done');
    const logs = await api.db.sql`select session_id, message_id, status from public.prompt_usage_logs where user_id = ${alice.id}`;
    expect(logs).toEqual([{ session_id: null, message_id: null, status: 'success' }]);
  });

  it('continues a session with its history', async () => {
    const alice = await api.createUser();
    const first = await chat(alice, { message: '/echo one' });
    const sessionId = first[0].data.session_id;
    await chat(alice, { session_id: sessionId, message: '/echo two' });
    expect(lastProviderBody().messages).toEqual([
      { role: 'user', content: '/echo one' },
      { role: 'assistant', content: 'one' },
      { role: 'user', content: '/echo two' },
    ]);
  });

  it('continue goes on from a stopped answer with text, and refuses one stopped before any text instead of sending the question again', async () => {
    const alice = await api.createUser();
    const first = await chat(alice, { message: '/echo think first' });
    const sessionId = first[0].data.session_id;
    const answerId = first[0].data.assistant_message_id;
    // Stopped while the model was still thinking: reasoning, no text.
    await api.db.sql`update public.messages set status = 'stopped', content = '', reasoning = 'weighing it' where id = ${answerId}`;
    const calls = api.fakeProvider.requests.length;
    const refused = await alice.request('POST', '/chat', { ...demo, session_id: sessionId, continue: true });
    expect(refused.status).toBe(409);
    await expect(refused.json()).resolves.toMatchObject({ error: { code: 'nothing_to_continue', message: expect.stringMatching(/regenerate/) } });
    expect(api.fakeProvider.requests.length).toBe(calls); // the provider was not called
    const rows = await api.db.sql`select sender from public.messages where session_id = ${sessionId}`;
    expect(rows.length).toBe(2); // nothing was written

    // Stopped with some text: the model sees its partial answer, then the request to go on.
    await api.db.sql`update public.messages set content = 'th' where id = ${answerId}`;
    const continued = await chat(alice, { session_id: sessionId, continue: true });
    expect(lastProviderBody().messages).toEqual([
      { role: 'user', content: '/echo think first' },
      { role: 'assistant', content: 'th' },
      { role: 'user', content: 'Continue exactly where your last answer stopped.' },
    ]);
    const [question] = await api.db.sql`select content, parent_id from public.messages where id = ${continued[0].data.user_message_id}`;
    expect(question).toEqual({ content: 'Continue exactly where your last answer stopped.', parent_id: answerId });

    // Continue needs a chat, and is neither a regenerate nor an edit.
    for (const body of [{ continue: true }, { session_id: sessionId, continue: true, regenerate: true }]) {
      const res = await alice.request('POST', '/chat', { ...demo, ...body });
      expect(res.status).toBe(400);
    }
  });

  it("sends the turn's temperature and max_tokens to the provider and keeps them as the chat's settings until a turn changes them", async () => {
    const alice = await api.createUser();
    const first = await chat(alice, { message: '/echo warm', temperature: 0.3, max_tokens: 64 });
    const sessionId = first[0].data.session_id;
    expect(lastProviderBody()).toMatchObject({ temperature: 0.3, max_tokens: 64 });
    const settings = async () => (await api.db.sql`select metadata from public.chat_sessions where id = ${sessionId}`)[0].metadata;
    expect(await settings()).toEqual({ provider: 'demo', model: 'demo-model', temperature: 0.3, max_tokens: 64 });
    await chat(alice, { session_id: sessionId, message: '/echo cold', temperature: 0 });
    expect(lastProviderBody()).toMatchObject({ temperature: 0 });
    expect(await settings()).toMatchObject({ temperature: 0, max_tokens: null });
    // Back to the model's defaults: nothing is sent, and the chat says so.
    await chat(alice, { session_id: sessionId, message: '/echo default' });
    expect(lastProviderBody()).not.toHaveProperty('temperature');
    expect(await settings()).toMatchObject({ temperature: null, max_tokens: null });
  });

  it('fits history to the context window, reports dropped turns and keeps their count with the answer', async () => {
    const alice = await api.createUser();
    const [session] = await api.db.sql`insert into public.chat_sessions (user_id, title) values (${alice.id}, 'long') returning id`;
    // demo-model has a 16k window: 40 turns of ~1000 tokens cannot all fit.
    for (let i = 0; i < 40; i++) {
      await api.db.sql`insert into public.messages (session_id, user_id, sender, content)
        values (${session.id}, ${alice.id}, ${i % 2 ? 'assistant' : 'user'}, ${`turn${i} ` + 'lorem '.repeat(1000)})`;
    }
    const events = await chat(alice, { session_id: session.id, message: '/echo ok', max_tokens: 1000 });
    const dropped = events[0].data.dropped_turns;
    expect(dropped).toBeGreaterThan(20);
    const sent = lastProviderBody().messages;
    expect(sent).toHaveLength(40 - dropped + 1);
    expect(sent.at(-2)?.content).toMatch(/^turn39 /);
    expect(lastProviderBody().max_tokens).toBe(1000);
    // A reload or another device reads the count with the answer; a turn that sent the whole
    // chat keeps none.
    const answers = (await (await alice.request('GET', `/sessions/${session.id}/messages`)).json()).messages.filter((m: { sender: string }) => m.sender === 'assistant');
    expect(answers.at(-1)).toMatchObject({ id: events[0].data.assistant_message_id, dropped_turns: dropped });
    const short = await chat(alice, { message: '/echo short' });
    const [fresh] = await api.db.sql`select dropped_turns from public.messages where id = ${short[0].data.assistant_message_id}`;
    expect(fresh.dropped_turns).toBeNull();
  });

  it('uses the project prompt and custom instructions as system messages', async () => {
    const alice = await api.createUser();
    await api.db.sql`update public.profiles set custom_instructions = 'Answer in French.' where id = ${alice.id}`;
    const [prompt] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${alice.id}, 'Tutor', 'You teach {{topic|maths}}.') returning id`;
    const [project] = await api.db.sql`insert into public.projects (user_id, name, system_prompt_id) values (${alice.id}, 'School', ${prompt.id}) returning id`;
    await chat(alice, { project_id: project.id, message: '/echo hi' });
    expect(lastProviderBody().messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'You teach maths.' },
      { role: 'system', content: 'Answer in French.' },
    ]);
  });

  it('renders a chosen prompt at a label with variables, and names missing ones', async () => {
    const alice = await api.createUser();
    const [prompt] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${alice.id}, 'Translator', 'Translate to {{language}}.') returning id`;
    await api.db.sql`update public.prompts set content = 'Translate to {{language}} in a {{tone}} tone.' where id = ${prompt.id}`;
    await api.db.sql`insert into public.prompt_labels (prompt_id, label, version) values (${prompt.id}, 'production', 1)`;
    await chat(alice, { prompt_id: prompt.id, prompt_label: 'production', variables: { language: 'German' }, message: '/echo x' });
    expect(lastProviderBody().messages[0]).toEqual({ role: 'system', content: 'Translate to German.' });
    const [log] = await api.db.sql`select prompt_id, prompt_version from public.prompt_usage_logs where user_id = ${alice.id}`;
    expect(log).toEqual({ prompt_id: prompt.id, prompt_version: 1 });
    await chat(alice, { prompt_id: prompt.id, prompt_version: 2, variables: { language: 'German', tone: 'dry' }, message: '/echo x' });
    expect(lastProviderBody().messages[0]).toEqual({ role: 'system', content: 'Translate to German in a dry tone.' });
    const noVersion = await alice.request('POST', '/chat', { ...demo, prompt_id: prompt.id, prompt_version: 9, message: 'x' });
    expect(noVersion.status).toBe(404);

    const missing = await alice.request('POST', '/chat', { ...demo, prompt_id: prompt.id, variables: { language: 'German' }, message: 'x' });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ error: { code: 'missing_variables', message: expect.stringContaining('tone') } });
  });

  it('a prompt rendered into the message (the picker) is logged at its version, not sent again; the project prompt still applies', async () => {
    const alice = await api.createUser();
    const [prompt] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${alice.id}, 'Translator', 'Translate {{text}}.') returning id`;
    await api.db.sql`update public.prompts set content = 'Translate {{text}} into {{language}}.' where id = ${prompt.id}`;
    const [tutor] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${alice.id}, 'Tutor', 'You teach.') returning id`;
    const [project] = await api.db.sql`insert into public.projects (user_id, name, system_prompt_id) values (${alice.id}, 'School', ${tutor.id}) returning id`;
    const events = await chat(alice, { project_id: project.id, prompt_id: prompt.id, prompt_version: 2, prompt_in_message: true, message: '/echo Translate hi into French.' });
    // No variables were needed: the message is the rendered prompt, and it is not sent twice.
    expect(lastProviderBody().messages).toEqual([
      { role: 'system', content: 'You teach.' },
      { role: 'user', content: '/echo Translate hi into French.' },
    ]);
    const sessionId = events[0].data.session_id;
    const [log] = await api.db.sql`select prompt_id, prompt_version from public.prompt_usage_logs where session_id = ${sessionId}`;
    expect(log).toEqual({ prompt_id: prompt.id, prompt_version: 2 });
    // The next turn of the chat is not tied to it: the chat keeps no chosen prompt.
    const [session] = await api.db.sql`select metadata from public.chat_sessions where id = ${sessionId}`;
    expect(session.metadata).not.toHaveProperty('prompt');

    // The prompt must still be one the sender can see, at a version that exists.
    const stranger = await api.createUser();
    const hidden = await stranger.request('POST', '/chat', { ...demo, prompt_id: prompt.id, prompt_in_message: true, message: 'x' });
    expect(hidden.status).toBe(404);
    const noVersion = await alice.request('POST', '/chat', { ...demo, prompt_id: prompt.id, prompt_version: 9, prompt_in_message: true, message: 'x' });
    expect(noVersion.status).toBe(404);
    expect((await alice.request('POST', '/chat', { ...demo, prompt_in_message: true, message: 'x' })).status).toBe(400);
  });

  it('regenerates as a sibling answer: both kept, the new one active, the model sees the branch only', async () => {
    const alice = await api.createUser();
    const first = await chat(alice, { message: '/echo same' });
    const sessionId = first[0].data.session_id;
    const again = await chat(alice, { session_id: sessionId, regenerate: true });
    expect(again[0].data.user_message_id).toBe(first[0].data.user_message_id);
    const rows = await api.db.sql`select sender, content, parent_id from public.messages where session_id = ${sessionId} order by created_at`;
    expect(rows.map((r) => [r.sender, r.content, r.parent_id])).toEqual([
      ['user', '/echo same', null],
      ['assistant', 'same', first[0].data.user_message_id],
      ['assistant', 'same', first[0].data.user_message_id],
    ]);
    expect(lastProviderBody().messages).toEqual([{ role: 'user', content: '/echo same' }]);
    const page = await branch(alice, sessionId);
    expect(page.map((m) => [m.id, m.siblings.count, m.siblings.index])).toEqual([
      [first[0].data.user_message_id, 1, 1],
      [again[0].data.assistant_message_id, 2, 2],
    ]);
    expect(page[1].siblings.prev_id).toBe(first[0].data.assistant_message_id);
    // Each call's usage log keeps pointing at its own answer (nothing was deleted).
    const logs = await eventually(async () => {
      const rows = await api.db.sql`select message_id from public.prompt_usage_logs where session_id = ${sessionId}`;
      return rows.length === 2 ? rows : null;
    });
    expect(logs.map((l) => l.message_id).sort()).toEqual([first[0].data.assistant_message_id, again[0].data.assistant_message_id].sort());
  });

  it('edits as a sibling question; the old branch stays reachable and the model gets the active branch only', async () => {
    const alice = await api.createUser();
    const a = await chat(alice, { message: '/echo a' });
    const sessionId = a[0].data.session_id;
    const b = await chat(alice, { session_id: sessionId, message: '/echo b' });
    const c = await chat(alice, { session_id: sessionId, edit_message_id: b[0].data.user_message_id, message: '/echo c' });
    expect(c[0].data.user_message_id).not.toBe(b[0].data.user_message_id);
    const all = await api.db.sql`select content from public.messages where session_id = ${sessionId} order by created_at`;
    expect(all.map((r) => r.content)).toEqual(['/echo a', 'a', '/echo b', 'b', '/echo c', 'c']);
    // The model saw a's turn, then c — never b.
    expect(lastProviderBody().messages.map((m) => m.content)).toEqual(['/echo a', 'a', '/echo c']);
    const page = await branch(alice, sessionId);
    expect(page.map((m) => m.content)).toEqual(['/echo a', 'a', '/echo c', 'c']);
    expect(page[2].siblings).toEqual({ count: 2, index: 2, prev_id: b[0].data.user_message_id, next_id: null });

    // Switch back: choosing b's question shows b's branch (down to its answer).
    const switched = await alice.request('POST', `/sessions/${sessionId}/branch`, { message_id: b[0].data.user_message_id });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toEqual({ active_leaf_id: b[0].data.assistant_message_id });
    expect((await branch(alice, sessionId)).map((m) => m.content)).toEqual(['/echo a', 'a', '/echo b', 'b']);
    // A follow-up continues the chosen branch, and the model receives only it.
    await chat(alice, { session_id: sessionId, message: '/echo d' });
    expect(lastProviderBody().messages.map((m) => m.content)).toEqual(['/echo a', 'a', '/echo b', 'b', '/echo d']);
    // Editing the first question makes a second first message.
    await chat(alice, { session_id: sessionId, edit_message_id: a[0].data.user_message_id, message: '/echo z' });
    expect(lastProviderBody().messages.map((m) => m.content)).toEqual(['/echo z']);
    const root = await branch(alice, sessionId);
    expect(root.map((m) => m.content)).toEqual(['/echo z', 'z']);
    expect(root[0].siblings).toMatchObject({ count: 2, index: 2, prev_id: a[0].data.user_message_id });
  });

  it('switching branches: 404 for a message of another chat or user, 403 for a group member', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const a = await chat(alice, { message: '/echo a' });
    const other = await chat(alice, { message: '/echo other' });
    const sessionId = a[0].data.session_id;
    const foreign = await alice.request('POST', `/sessions/${sessionId}/branch`, { message_id: other[0].data.user_message_id });
    expect(foreign.status).toBe(404);
    expect((await bob.request('POST', `/sessions/${sessionId}/branch`, { message_id: a[0].data.user_message_id })).status).toBe(404);
    await joinGroupChat(alice, bob, sessionId, 'member');
    const member = await bob.request('POST', `/sessions/${sessionId}/branch`, { message_id: a[0].data.user_message_id });
    expect(member.status).toBe(403);
    // The member reads the active branch with its sibling counts.
    expect((await branch(bob, sessionId)).map((m) => m.content)).toEqual(['/echo a', 'a']);
  });
});
