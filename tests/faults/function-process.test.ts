/**
 * Faults on the real path: browser → gateway → Deno function → provider. The Deno process is
 * killed in the middle of an answer (what the user typed and the checkpointed part of the
 * answer survive; the gateway answers 503 until the function is back; once the dead turn's
 * lease lapses the answer is settled as `error`/`interrupted` with its partial, and the
 * session takes new turns, and the call is logged for its payer). A client that disconnects mid-stream does not stop the answer: it
 * runs to the end and is stored `complete`; a stop sent as another request does stop it; a
 * client that re-attaches with Last-Event-ID misses nothing and sees nothing twice.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signAccessToken } from '../../local/src/keys/index.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { dataOf, eventually, functionsDirWithEnv, parseSse, readEvents } from './helpers.ts';
import { onceStored } from '../helpers/stored.ts';

let provider: FakeProvider;
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
let stack: TestStack;
let token: string;
let userId: string;

type Meta = { session_id: string; user_message_id: string; assistant_message_id: string };

beforeAll(async () => {
  // A slow, long answer (400 chunks, 20 ms apart) leaves room to act in its middle.
  provider = await startFakeProvider({ tokens: 400, tokenDelayMs: 20 });
  // A short lease so a killed process's answer is settled within the test.
  functionsDir = await functionsDirWithEnv({ DEMO_PROVIDER_URL: provider.url, TURN_LEASE_MS: '2000', CHAT_CHECKPOINT_MS: '200' });
  stack = await startTestStack({ functionsDir: functionsDir.dir });
  const user = await createAuthUser(stack.db.sql);
  userId = user.id;
  token = await signAccessToken(stack.keys, { sub: user.id, email: user.email, iss: `${stack.apiUrl}/auth/v1` });
  // Boot the function once so the tests start from a running process.
  await eventually(async () => ((await call('GET', '/health')).status === 200 ? true : undefined), { attempts: 600, everyMs: 100 });
});
afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
  await functionsDir?.remove();
});

function call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${stack.apiUrl}/functions/v1/api${path}`, {
    method,
    headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

const startChat = (message: string, signal?: AbortSignal) => call('POST', '/chat', { provider: 'demo', model: 'demo-model', message }, signal);

async function messages(sessionId: string) {
  return await stack.db.sql<{ id: string; sender: string; content: string; status: string }[]>`
    select id, sender, content, status from public.messages where session_id = ${sessionId} order by created_at, id`;
}

const apiPid = () => stack.functions.status().find((fn) => fn.slug === 'api')?.pid;

it('the Deno function is killed mid-stream: the user message and the partial answer survive, 503, then it recovers', async () => {
  const res = await startChat('a long answer, please');
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const state = { text: '' };
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'), state);
  const meta = dataOf<Meta>(events, 'meta')!;
  // Wait until part of the answer has been checkpointed (every 200 ms here, 2 s by default).
  const saved = await eventually(async () => {
    const chunks = await stack.db.sql<{ content: string }[]>`
      select content from private.message_chunks where message_id = ${meta.assistant_message_id} order by first_seq`;
    const text = chunks.map((c) => c.content).join('');
    return text.length > 0 ? text : undefined;
  });

  const pid = apiPid();
  expect(pid).toBeTypeOf('number');
  process.kill(pid!, 'SIGKILL');

  // The client's stream ends without a `done`: the process that wrote it is gone.
  const rest = await readEvents(reader, () => false, state).catch(() => ({ events: [], done: true }));
  expect(rest.events.some((e) => e.event === 'done')).toBe(false);

  // Until the function is back, the gateway answers the Edge Runtime's 503.
  const statuses: number[] = [];
  const recovered = await eventually(async () => {
    const probe = await call('GET', '/health');
    statuses.push(probe.status);
    if (probe.status === 503) expect(await probe.json()).toEqual({ code: 'BOOT_ERROR', message: expect.any(String) });
    else await probe.body?.cancel();
    return probe.status === 200 ? probe : undefined;
  }, { attempts: 600, everyMs: 20 });
  expect(recovered.status).toBe(200);
  expect(statuses).toContain(503);
  expect(apiPid()).not.toBe(pid);

  // Opening the chat after the dead turn's lease lapsed settles the answer from its checkpoints.
  const page = await eventually(async () => {
    const res = await call('GET', `/sessions/${meta.session_id}/messages`);
    const body = (await res.json()) as { messages: { id: string; status: string; content: string; error_code: string | null }[] };
    const answer = body.messages.find((m) => m.id === meta.assistant_message_id);
    return answer && answer.status !== 'streaming' ? body.messages : undefined;
  }, { attempts: 200, everyMs: 100 });
  expect(page.find((m) => m.id === meta.user_message_id)).toMatchObject({ content: 'a long answer, please', status: 'complete' });
  const answer = page.find((m) => m.id === meta.assistant_message_id)!;
  expect(answer).toMatchObject({ status: 'error', error_code: 'interrupted' });
  expect(answer.content.startsWith(saved)).toBe(true);
  const [left] = await stack.db.sql`select count(*)::int as n from private.chat_turns where message_id = ${meta.assistant_message_id}`;
  expect(left.n).toBe(0);
  // The provider was called: the settle logged the call for its payer, from what the turn recorded
  // when it started — our estimate of the prompt (one message of 21 bytes: 6 tokens, and 4 for its
  // framing) — and the kept partial at 4 bytes a token, at demo-model's $1 and $2 a million tokens.
  const completion = Math.ceil(Buffer.byteLength(answer.content) / 4);
  expect(await stack.db.sql`
    select user_id, status, error_code, prompt_tokens, completion_tokens, cost_usd::float8 as cost_usd, tokens_estimated
      from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`).toEqual([{
    user_id: userId, status: 'error', error_code: 'interrupted', prompt_tokens: 10, completion_tokens: completion,
    cost_usd: (10 * 1 + completion * 2) / 1e6, tokens_estimated: true,
  }]);

  // A new chat works on the restarted process, in the same session.
  const again = await call('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo back again', session_id: meta.session_id });
  expect(again.status).toBe(200);
  const after = await readEvents(again.body!.getReader());
  expect(dataOf(after.events, 'done')).toMatchObject({ status: 'complete' });
}, 60_000);

const echoWords = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

it('the client disconnects mid-stream: the answer runs to the end and is stored complete', async () => {
  const before = provider.requests.length;
  const controller = new AbortController();
  const words = echoWords(60, 'd');
  const res = await startChat(`/echo ${words}`, controller.signal);
  const reader = res.body!.getReader();
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'));
  const meta = dataOf<Meta>(events, 'meta')!;
  controller.abort();

  const answer = await eventually(async () => {
    const row = (await messages(meta.session_id)).find((m) => m.id === meta.assistant_message_id);
    return row && row.status !== 'streaming' ? row : undefined;
  }, { attempts: 300, everyMs: 50 });
  expect(answer).toMatchObject({ status: 'complete', content: words });
  expect(provider.requests[before].aborted).toBeFalsy();
  const user = (await messages(meta.session_id)).find((m) => m.id === meta.user_message_id);
  expect(user).toMatchObject({ content: `/echo ${words}`, status: 'complete' });
}, 30_000);

it('a stop sent as another request aborts the provider call and keeps the partial as stopped', async () => {
  const before = provider.requests.length;
  // Long enough (3,000 chunks, 60 s) that the provider is still sending when the stop arrives,
  // however slowly a loaded machine gets there: `aborted` is the provider seeing the call cut.
  const res = await startChat('/tokens 3000 stop me in the middle');
  const reader = res.body!.getReader();
  const state = { text: '' };
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'), state);
  const meta = dataOf<Meta>(events, 'meta')!;
  const stop = await call('POST', `/chat/${meta.assistant_message_id}/stop`);
  expect(stop.status).toBe(200);
  const stopped: { assistant_message_id: string; status: string } = await stop.json();
  expect(stopped.assistant_message_id).toBe(meta.assistant_message_id);
  // `stopped` once the answer is stored, or `streaming` — the API's "asked, not yet confirmed" —
  // when storing it outlasts the request's wait (on a loaded machine: this process's first stop
  // loads the tokenizer to count the partial answer, ≈ 0.5 s of CPU). Either way the stop is in
  // effect; what follows checks it.
  expect(['stopped', 'streaming']).toContain(stopped.status);
  await eventually(() => (provider.requests[before]?.aborted ? true : undefined)).catch((error: unknown) => {
    // Red in 2 of 4 clean runs until the stream cut the provider's body itself (a Deno fetch
    // abort is lost after a GC: lib/chat/provider-stream-deno.test.ts). Should it come back, say what was there to see.
    const sent = provider.requests.slice(before).map((r) => ({ path: r.path, aborted: r.aborted ?? false, message: JSON.stringify(r.body).slice(-80) }));
    throw new Error(`${String(error)}; the stop answered ${stopped.status}; provider requests since the chat began: ${JSON.stringify(sent)}`);
  });
  const rest = await readEvents(reader, () => false, state);
  expect(dataOf(rest.events, 'done')).toMatchObject({ status: 'stopped', code: 'stopped_by_user' });
  const answer = (await messages(meta.session_id)).find((m) => m.id === meta.assistant_message_id)!;
  expect(answer.status).toBe('stopped');
  expect(answer.content.length).toBeGreaterThan(0);
}, 30_000);

it('a client that re-attaches with Last-Event-ID gets the rest, with no gap and no duplicate', async () => {
  const words = echoWords(80, 'r');
  const controller = new AbortController();
  const res = await startChat(`/echo ${words}`, controller.signal);
  const reader = res.body!.getReader();
  const first = await readEvents(reader, onceStored((e) => e.event === 'delta' && (e.data as { seq: number }).seq >= 3));
  controller.abort();
  const meta = dataOf<Meta>(first.events, 'meta')!;
  const firstDeltas = first.events.filter((e) => e.event === 'delta').map((e) => e.data as { seq: number; text: string });
  const seen = firstDeltas.map((d) => d.text).join('');
  // Resume after the last event this client got, as a browser's EventSource does (one read can
  // carry several deltas: the view writes them together).
  const lastSeq = firstDeltas.at(-1)!.seq;
  expect(lastSeq).toBeGreaterThanOrEqual(3);
  const resumed = await fetch(`${stack.apiUrl}/functions/v1/api/chat/${meta.assistant_message_id}/stream`, {
    headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${token}`, 'last-event-id': String(lastSeq) },
  });
  expect(resumed.status).toBe(200);
  const rest = await readEvents(resumed.body!.getReader());
  const deltas = rest.events.filter((e) => e.event === 'delta').map((e) => e.data as { seq: number; text: string });
  expect(deltas[0].seq).toBe(lastSeq + 1);
  expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i + lastSeq + 1));
  expect(seen + deltas.map((d) => d.text).join('')).toBe(words);
  expect(dataOf(rest.events, 'done')).toMatchObject({ status: 'complete' });
}, 30_000);

it('the function is told to shut down (SIGTERM) mid-answer: the answer is saved at once as stopped, partial kept', async () => {
  const res = await startChat('shut down while I answer');
  const reader = res.body!.getReader();
  const state = { text: '' };
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'), state);
  const meta = dataOf<Meta>(events, 'meta')!;
  const pid = apiPid();
  process.kill(pid!, 'SIGTERM');
  // The runtime announces the shutdown (beforeunload); the turn is stopped and saved before exit,
  // without waiting for its lease to lapse.
  const rest = await readEvents(reader, () => false, state).catch(() => ({ events: parseSse(state.text), done: true }));
  const answer = await eventually(async () => {
    const row = (await messages(meta.session_id)).find((m) => m.id === meta.assistant_message_id);
    return row && row.status !== 'streaming' ? row : undefined;
  }, { attempts: 200, everyMs: 50 });
  expect(answer.status).toBe('stopped');
  const [code] = await stack.db.sql`select error_code from public.messages where id = ${meta.assistant_message_id}`;
  expect(code.error_code).toBe('runtime_shutdown');
  expect(answer.content.length).toBeGreaterThan(0);
  const done = dataOf(rest.events, 'done');
  if (done) expect(done).toMatchObject({ status: 'stopped', code: 'runtime_shutdown' });
  // The function comes back and serves again.
  await eventually(async () => ((await call('GET', '/health')).status === 200 ? true : undefined), { attempts: 600, everyMs: 50 });
}, 60_000);
