// A chat turn is a server-side job: it outlives its view, stops from any request (also one
// served by another instance), re-attaches from any seq, holds its session's lock, keeps
// reasoning apart, counts it in its usage when the provider's own count never came, is
// settled from its checkpoints when its process dies, and every call it made is logged: also a
// send that lost the session's lock, and an answer settled after its process died.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createDb, type Db } from '../lib/db.ts';
import { countTokensLazily } from '../lib/tokens.ts';
import { fakeReplyChunks } from '../../../../local/src/demo-provider.ts';
import { createApiHarness, eventually, onceStored, readSse, type ApiHarness, type ApiUser, type SseEvent } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
// A second instance of the function on the same database: its own registry, no shared memory.
let other: { app: ReturnType<typeof createApp>; db: Db };
beforeAll(async () => {
  api = await createApiHarness({
    env: { CHAT_RATE_CAPACITY: '1000', CHAT_CHECKPOINT_MS: '100', KEEPALIVE_MS: '1000' },
    provider: { tokens: 40, tokenDelayMs: 10 },
  });
  const db = createDb(api.db.url, { max: 2 });
  other = { app: createApp(api.config, { db, log: () => {} }), db };
});
afterAll(async () => {
  await other?.db.end();
  await api?.close();
});
beforeEach(() => api.fakeProvider.setMode('ok'));

const demo = { provider: 'demo', model: 'demo-model' };
const row = async (id: string) =>
  (await api.db.sql`select content, reasoning, reasoning_ms, status, error_code, stream_units from public.messages where id = ${id}`)[0];
const textOf = (events: SseEvent[], kind = 'delta') => events.filter((e) => e.event === kind).map((e) => e.data.text).join('');
const onOther = (user: ApiUser, method: string, path: string, headers: Record<string, string> = {}) =>
  other.app.request(`/api${path}`, { method, headers: { authorization: `Bearer ${user.token}`, ...headers } });

/** Starts a turn and reads its view until `until` holds; returns the events so far and the rest of the reader. */
async function startTurn(user: ApiUser, body: Record<string, unknown>, until: (e: SseEvent) => boolean = (e) => e.event === 'delta') {
  const res = await user.request('POST', '/chat', { ...demo, ...body });
  expect(res.status).toBe(200);
  const events = await readSse(res, onceStored(until));
  return { events, meta: events[0].data as { session_id: string; assistant_message_id: string; user_message_id: string } };
}

describe('a turn outlives its view', () => {
  it('runs to the end and is stored complete when the client goes away', async () => {
    const alice = await api.createUser();
    const before = api.fakeProvider.requests.length;
    const { meta } = await startTurn(alice, { message: 'a long answer please' });
    const stored = await eventually(async () => {
      const r = await row(meta.assistant_message_id);
      return r.status === 'streaming' ? null : r;
    });
    const full = fakeReplyChunks([{ role: 'user', content: 'a long answer please' }], 40).join('');
    expect(stored).toMatchObject({ status: 'complete', content: full, error_code: null });
    expect(api.fakeProvider.requests[before].aborted).toBeUndefined();
    const [log] = await api.db.sql`select status from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log.status).toBe('success');
  });
});

describe('stop', () => {
  it('stops from another request: the provider call is aborted, the partial kept, the view gets done stopped', async () => {
    const alice = await api.createUser();
    const before = api.fakeProvider.requests.length;
    const release = api.fakeProvider.pauseAfterFirstToken();
    const res = await alice.request('POST', '/chat', { ...demo, message: '/echo one two three four' });
    const view = readSse(res);
    const meta = await eventually(async () => {
      const [r] = await api.db.sql`select id, session_id from public.messages where user_id = ${alice.id} and sender = 'assistant'`;
      return r ? { assistant_message_id: r.id as string } : null;
    });
    const stop = await alice.request('POST', `/chat/${meta.assistant_message_id}/stop`);
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ assistant_message_id: meta.assistant_message_id, status: 'stopped' });
    release();
    const events = await view;
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped', code: 'stopped_by_user' } });
    expect(await row(meta.assistant_message_id)).toMatchObject({ status: 'stopped', error_code: 'stopped_by_user', content: textOf(events) });
    await eventually(async () => api.fakeProvider.requests[before]?.aborted === true);
    const [log] = await api.db.sql`select status from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log.status).toBe('stopped');

    const again = await alice.request('POST', `/chat/${meta.assistant_message_id}/stop`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'turn_finished', status: 'stopped' } });
  });

  it('stops a turn running in another instance (through the database)', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { meta } = await startTurn(alice, { message: '/echo far away words' });
    const stop = await onOther(alice, 'POST', `/chat/${meta.assistant_message_id}/stop`);
    expect(await stop.json()).toEqual({ assistant_message_id: meta.assistant_message_id, status: 'stopped' });
    release();
    expect(await row(meta.assistant_message_id)).toMatchObject({ status: 'stopped', content: 'far' });
  });

  it("is a 404 for someone else's answer", async () => {
    const alice = await api.createUser();
    const mallory = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { meta } = await startTurn(alice, { message: '/echo private words' });
    expect((await mallory.request('POST', `/chat/${meta.assistant_message_id}/stop`)).status).toBe(404);
    expect((await mallory.request('GET', `/chat/${meta.assistant_message_id}/stream`)).status).toBe(404);
    release();
    await eventually(async () => (await row(meta.assistant_message_id)).status === 'complete');
  });
});

describe('re-attach', () => {
  const message = 'please write a long answer';
  const full = fakeReplyChunks([{ role: 'user', content: message }], 40).join('');

  it('resumes with Last-Event-ID or ?after, here and on another instance, with no gap and no duplicate', async () => {
    const alice = await api.createUser();
    // Held after its first token until the views are open, so they resume mid-answer whatever
    // the load: the first view reads on until the rows are `stored`, and on a busy machine the
    // whole answer could stream by before that (it then resumed from a seq it had passed).
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { events, meta } = await startTurn(alice, { message });
    const seen = textOf(events);
    const last = Math.max(...events.filter((e) => e.event === 'delta').map((e) => e.data.seq as number));
    const id = meta.assistant_message_id;
    const opened = [
      alice.request('GET', `/chat/${id}/stream`, undefined, { 'last-event-id': String(last) }),
      alice.request('GET', `/chat/${id}/stream?after=${last}`),
      onOther(alice, 'GET', `/chat/${id}/stream`, { 'last-event-id': String(last) }),
    ];
    release();
    const resumes = await Promise.all(opened.map(async (res) => readSse(await res)));
    for (const resumed of resumes) {
      expect(resumed[0]).toMatchObject({ event: 'meta', data: { assistant_message_id: id, session_id: meta.session_id } });
      const seqs = resumed.filter((e) => e.event === 'delta').map((e) => e.data.seq);
      expect(seqs[0]).toBe(last + 1);
      expect(seqs).toEqual(seqs.map((_, i) => i + last + 1));
      expect(seen + textOf(resumed)).toBe(full);
      expect(resumed.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    }
  });

  it('replays a finished answer, then done', async () => {
    const alice = await api.createUser();
    const { meta } = await startTurn(alice, { message }, () => false);
    const id = meta.assistant_message_id;
    const whole = await readSse(await alice.request('GET', `/chat/${id}/stream`));
    expect(textOf(whole)).toBe(full);
    expect(whole.map((e) => e.event).slice(-2)).toEqual(['usage', 'done']);
    const last = whole.filter((e) => e.event === 'delta').at(-1)!.data.seq;
    const tail = await readSse(await onOther(alice, 'GET', `/chat/${id}/stream?after=${last}`));
    expect(tail.map((e) => e.event)).toEqual(['meta', 'usage', 'done']);
    expect((await alice.request('GET', `/chat/${id}/stream?after=-1`)).status).toBe(400);
  });
});

describe('one running turn per session', () => {
  it('answers 409 turn_running with the running id; regenerate stops the running turn first', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { meta } = await startTurn(alice, { message: '/echo still going on' });
    const second = await alice.request('POST', '/chat', { ...demo, session_id: meta.session_id, message: 'me too' });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: expect.objectContaining({ code: 'turn_running', running_message_id: meta.assistant_message_id }) });

    const regenerated = await readSse(await alice.request('POST', '/chat', { ...demo, session_id: meta.session_id, regenerate: true }));
    release();
    expect(regenerated.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    expect(textOf(regenerated)).toBe('still going on');
    // The history sent with the regenerate never contained the unfinished answer.
    const sent = (api.fakeProvider.requests.at(-1)?.body as { messages: { content: string }[] }).messages;
    expect(sent.map((m) => m.content)).toEqual(['/echo still going on']);
    // The stopped answer stays, as a sibling of the new one.
    const rows = await api.db.sql`select sender, status from public.messages where session_id = ${meta.session_id} order by created_at`;
    expect(rows.map((r) => `${r.sender}:${r.status}`)).toEqual(['user:complete', 'assistant:stopped', 'assistant:complete']);
  });
});

describe('regenerate pressed on two devices a moment apart', () => {
  it('the second, naming the state it showed, leaves the first running: 409 answer_started_elsewhere, one call', async () => {
    const alice = await api.createUser();
    const first = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo the question' }));
    const sessionId = first[0].data.session_id as string;
    const before = api.fakeProvider.requests.length;
    const release = api.fakeProvider.pauseAfterFirstToken();
    // Both devices showed the first answer complete (nothing running): each names none.
    const { meta } = await startTurn(alice, { session_id: sessionId, regenerate: true, stop_message_id: null });
    const second = await alice.request('POST', '/chat', { ...demo, session_id: sessionId, regenerate: true, stop_message_id: null });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: expect.objectContaining({ code: 'answer_started_elsewhere', running_message_id: meta.assistant_message_id }) });
    release();
    const ended = await eventually(async () => ((await row(meta.assistant_message_id)).status === 'streaming' ? null : await row(meta.assistant_message_id)));
    expect(ended).toMatchObject({ status: 'complete', content: 'the question' });
    // One provider call for the two presses, and one usage log charged for it.
    expect(api.fakeProvider.requests.length - before).toBe(1);
    const logs = await api.db.sql`select message_id from public.prompt_usage_logs where session_id = ${sessionId} and message_id is distinct from ${first[0].data.assistant_message_id as string}`;
    expect(logs.map((l) => l.message_id)).toEqual([meta.assistant_message_id]);
    const rows = await api.db.sql`select sender, status from public.messages where session_id = ${sessionId} order by created_at`;
    expect(rows.map((r) => `${r.sender}:${r.status}`)).toEqual(['user:complete', 'assistant:complete', 'assistant:complete']);
  });

  it('naming the running answer it showed stops and replaces that one', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { meta } = await startTurn(alice, { message: '/echo shown running' });
    const replaced = await readSse(await alice.request('POST', '/chat', { ...demo, session_id: meta.session_id, regenerate: true, stop_message_id: meta.assistant_message_id }));
    release();
    expect(replaced.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    expect((await row(meta.assistant_message_id)).status).toBe('stopped');
  });
});

describe('a send that loses the race for its session', () => {
  it('had started its provider call: the call is aborted and logged for its payer (409 turn_running)', async () => {
    const alice = await api.createUser();
    const tag = `race-${crypto.randomUUID()}`;
    const first = await readSse(await alice.request('POST', '/chat', { ...demo, message: `/echo ${tag} first` }));
    const sessionId = first[0].data.session_id as string;
    const before = api.fakeProvider.requests.length;
    // The provider calls of the racing sends: each asks with its own message last.
    const calls = () => api.fakeProvider.requests.slice(before)
      .filter((r) => (r.body as { messages?: { content: string }[] }).messages?.at(-1)?.content.startsWith(`/echo ${tag} `)).length;
    // Sends into an idle session at once: each reads it free and starts its call; one takes the lock.
    let answered = 0;
    for (let burst = 0; burst < 10 && calls() <= answered; burst++) {
      const sends = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        alice.request('POST', '/chat', { ...demo, session_id: sessionId, message: `/echo ${tag} ${burst}.${i}` })));
      for (const res of sends) {
        if (res.status === 200) {
          answered++;
          expect((await readSse(res)).at(-1)?.event).toBe('done');
        } else {
          expect(res.status).toBe(409);
          expect((await res.json()).error.code).toBe('turn_running');
        }
      }
    }
    // Some send lost the lock after its provider call had gone out.
    expect(calls()).toBeGreaterThan(answered);
    // Every call is logged for its payer: the answers' logs, and one for each lost send.
    const logs = await eventually(async () => {
      const rows = await api.db.sql`
        select user_id, message_id, status, error_code, prompt_tokens, completion_tokens, cost_usd::float8 as cost_usd, tokens_estimated
          from public.prompt_usage_logs where session_id = ${sessionId} and message_id is distinct from ${first[0].data.assistant_message_id as string}`;
      return rows.length === calls() ? rows : null;
    });
    const lost = logs.filter((l) => l.message_id === null);
    expect(lost.length).toBe(calls() - answered);
    for (const log of lost) {
      expect(log).toMatchObject({ user_id: alice.id, status: 'error', error_code: 'not_started' });
      expect(log.prompt_tokens).toBeGreaterThan(0);
      expect(log.cost_usd).toBeGreaterThan(0);
    }
    // The session was left with one answer per won send, none running.
    const answers = await api.db.sql`select status from public.messages where session_id = ${sessionId} and sender = 'assistant'`;
    expect(answers.map((a) => a.status)).toEqual(Array(answered + 1).fill('complete'));
  });
});

describe('reasoning', () => {
  it.each(['think', 'reason'])('/%s: streams reasoning events and stores the reasoning apart from the answer', async (verb) => {
    const alice = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: `/${verb} weigh the options carefully` }));
    expect(textOf(events, 'reasoning')).toBe('weigh the options carefully');
    expect(textOf(events)).toBe('Thought it through.');
    const seqs = events.filter((e) => e.event === 'delta' || e.event === 'reasoning').map((e) => e.data.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const meta = events[0].data;
    const stored = await row(meta.assistant_message_id);
    expect(stored).toMatchObject({ content: 'Thought it through.', reasoning: 'weigh the options carefully', status: 'complete' });
    expect(stored.reasoning_ms).toBeGreaterThanOrEqual(0);
    // Re-attaching replays both kinds in their order.
    const replay = await readSse(await alice.request('GET', `/chat/${meta.assistant_message_id}/stream`));
    expect(replay.filter((e) => e.event === 'delta' || e.event === 'reasoning').map((e) => e.data.seq)).toEqual(seqs);
  });
});

describe("the usage of a turn that ends before the provider's usage chunk", () => {
  const thinking = `/think ${Array.from({ length: 400 }, (_, i) => `step${i} weighs it`).join(' ')}`;
  const usageOf = (id: string) => eventually(async () => (await api.db.sql`
    select l.status, l.error_code, l.completion_tokens, m.content, m.reasoning
      from public.prompt_usage_logs l join public.messages m on m.id = l.message_id where l.message_id = ${id}`)[0] ?? null);

  it('counts the reasoning with the answer (providers bill it as output), stopped by the user or cut by the wall clock', async () => {
    const alice = await api.createUser();
    const count = await countTokensLazily();
    const { meta } = await startTurn(alice, { message: thinking }, (e) => e.event === 'reasoning' && e.data.seq >= 5);
    expect((await (await alice.request('POST', `/chat/${meta.assistant_message_id}/stop`)).json()).status).toBe('stopped');
    const stopped = await usageOf(meta.assistant_message_id);
    expect(stopped).toMatchObject({ status: 'stopped', content: '' });
    expect(count(stopped.reasoning)).toBeGreaterThan(4);
    expect(stopped.completion_tokens).toBe(count(stopped.reasoning));

    // An instance whose CHAT_TURN_MAX_MS is 300 ms cuts the same think. On a loaded machine the
    // provider may not have begun in 300 ms, which leaves no reasoning to count: up to three
    // tries for a cut that holds some (each must be counted right all the same).
    const short = createApp({ ...api.config, limits: { ...api.config.limits, turnMaxMs: 300 } }, { db: other.db, log: () => {} });
    let cut: Awaited<ReturnType<typeof usageOf>> | null = null;
    for (let attempt = 0; attempt < 3 && !(count(cut?.reasoning ?? '') > 4); attempt++) {
      const res = await short.request('/api/chat', { method: 'POST', headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...demo, message: thinking }) });
      const events = await readSse(res);
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped', code: 'wall_clock_limit' } });
      cut = await usageOf(events[0].data.assistant_message_id as string);
      expect(cut.completion_tokens).toBe(count(cut.reasoning) + count(cut.content));
    }
    expect(count(cut!.reasoning)).toBeGreaterThan(4);
  });
});

describe('a reasoning model thinking for a long time', () => {
  it('stays streaming (its lease is alive) and shows its reasoning checkpoint to a reader', async () => {
    const alice = await api.createUser();
    const thoughts = Array.from({ length: 60 }, (_, i) => `t${i}`).join(' ');
    const { meta } = await startTurn(alice, { message: `/think ${thoughts}` }, (e) => e.event === 'reasoning' && e.data.seq >= 2);
    // Readers of the chat while it only reasons: never settled as interrupted.
    const during = await eventually(async () => {
      const page = await (await alice.request('GET', `/sessions/${meta.session_id}/messages`)).json();
      const answer = page.messages.find((m: { id: string }) => m.id === meta.assistant_message_id);
      return answer?.reasoning ? answer : null;
    });
    expect(during).toMatchObject({ status: 'streaming', content: '' });
    expect(thoughts.startsWith(during.reasoning)).toBe(true);
    await eventually(async () => (await row(meta.assistant_message_id)).status === 'complete');
    expect(await row(meta.assistant_message_id)).toMatchObject({ reasoning: thoughts, content: 'Thought it through.' });
  });
});

describe('an answer whose process died', () => {
  it('is settled from its checkpoints once its lease lapsed, keeping the partial', async () => {
    const alice = await api.createUser();
    const [session] = await api.db.sql`insert into public.chat_sessions (user_id) values (${alice.id}) returning id`;
    const [answer] = await api.db.sql`insert into public.messages (session_id, user_id, sender, status) values (${session.id}, ${alice.id}, 'assistant', 'streaming') returning id`;
    await api.db.sql`insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at) values (${answer.id}, ${session.id}, ${alice.id}, now() + interval '1 hour')`;
    await api.db.sql`insert into private.message_chunks (message_id, first_seq, units, content, reasoning) values
      (${answer.id}, 1, '{-5,4}', 'Half', 'hmm, '), (${answer.id}, 3, '{5}', ' done', '')`;
    // A live lease: shown as streaming with its checkpoint, and a new send is refused.
    const page = async () => (await (await alice.request('GET', `/sessions/${session.id}/messages`)).json()).messages[0];
    expect(await page()).toMatchObject({ status: 'streaming', content: 'Half done', reasoning: 'hmm, ', seq: 3 });
    expect((await alice.request('POST', '/chat', { ...demo, session_id: session.id, message: 'hello?' })).status).toBe(409);

    await api.db.sql`update private.chat_turns set lease_expires_at = now() - interval '1 second' where message_id = ${answer.id}`;
    expect(await page()).toMatchObject({ status: 'error', error_code: 'interrupted', content: 'Half done', reasoning: 'hmm, ', seq: 3 });
    const [left] = await api.db.sql`select (select count(*) from private.chat_turns where message_id = ${answer.id})::int as turns,
      (select count(*) from private.message_chunks where message_id = ${answer.id})::int as chunks`;
    expect(left).toEqual({ turns: 0, chunks: 0 });
    // The session is free again.
    const next = await readSse(await alice.request('POST', '/chat', { ...demo, session_id: session.id, message: '/echo again' }));
    expect(next.at(-1)?.event).toBe('done');
  });

  it('has its call logged when settled, from what the turn recorded at its start; a turn alive after all replaces that log', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const { meta } = await startTurn(alice, { message: '/echo one two three four' });
    const id = meta.assistant_message_id;
    await eventually(async () => (await api.db.sql`select 1 from private.message_chunks where message_id = ${id}`).length > 0);
    // Its lease lapses (the process seems dead: the database was away, say) and a reader settles it.
    await api.db.sql.begin(async (tx) => {
      await tx`update private.chat_turns set lease_expires_at = now() - interval '1 second' where message_id = ${id}`;
      await tx`select private.settle_abandoned_answers(${alice.id}::uuid, null, ${id}::uuid)`;
    });
    const logs = () => api.db.sql`
      select user_id, status, error_code, prompt_tokens, completion_tokens, cost_usd::float8 as cost_usd, tokens_estimated
        from public.prompt_usage_logs where message_id = ${id}`;
    const settled = await row(id);
    expect(settled).toMatchObject({ status: 'error', error_code: 'interrupted' });
    // The prompt as estimated at the start (one message of 24 bytes: 6 tokens, and 4 for its framing),
    // the kept partial at 4 bytes a token, at demo-model's $1 and $2 a million tokens.
    const completion = Math.ceil(new TextEncoder().encode(settled.content).length / 4);
    expect(completion).toBeGreaterThan(0);
    expect(await logs()).toEqual([{
      user_id: alice.id, status: 'error', error_code: 'interrupted', prompt_tokens: 10, completion_tokens: completion,
      cost_usd: (10 * 1 + completion * 2) / 1e6, tokens_estimated: true,
    }]);
    // The turn was alive after all: its end overwrites the answer, and its log the settle's.
    release();
    await eventually(async () => (await row(id)).status === 'complete');
    await eventually(async () => ((await logs())[0]?.status === 'success' ? true : null));
    expect(await logs()).toEqual([expect.objectContaining({ user_id: alice.id, status: 'success', error_code: null, tokens_estimated: false })]);
  });
});
