/**
 * Faults on the real path (issue 6, item 2): browser → gateway → Deno function → provider.
 * The Deno process is killed in the middle of an answer (what the user typed and the part of
 * the answer already saved survive; the gateway answers 503 until the function is back, then
 * serves again), and a client that disconnects mid-stream makes the function abort its
 * provider request within a second and save the partial answer as `stopped`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signAccessToken } from '../../local/src/keys/index.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { dataOf, eventually, functionsDirWithEnv, readEvents } from './helpers.ts';

let provider: FakeProvider;
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
let stack: TestStack;
let token: string;

type Meta = { session_id: string; user_message_id: string; assistant_message_id: string };

beforeAll(async () => {
  // A slow, long answer (400 chunks, 20 ms apart) leaves room to act in its middle.
  provider = await startFakeProvider({ tokens: 400, tokenDelayMs: 20 });
  functionsDir = await functionsDirWithEnv({ DEMO_PROVIDER_URL: provider.url });
  stack = await startTestStack({ functionsDir: functionsDir.dir });
  const user = await createAuthUser(stack.db.sql);
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
  const { events } = await readEvents(reader, (e) => e.event === 'delta', state);
  const meta = dataOf<Meta>(events, 'meta')!;
  // Wait until part of the answer has been written to the database (every ~250 ms).
  const saved = await eventually(async () => {
    const answer = (await messages(meta.session_id)).find((m) => m.id === meta.assistant_message_id);
    return answer && answer.content.length > 0 ? answer.content : undefined;
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

  const stored = await messages(meta.session_id);
  expect(stored.find((m) => m.id === meta.user_message_id)).toMatchObject({ sender: 'user', content: 'a long answer, please', status: 'complete' });
  const answer = stored.find((m) => m.id === meta.assistant_message_id)!;
  expect(answer.content.startsWith(saved)).toBe(true);
  expect(answer.content.length).toBeGreaterThan(0);

  // A new chat works on the restarted process, in the same session.
  const again = await call('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo back again', session_id: meta.session_id });
  expect(again.status).toBe(200);
  const after = await readEvents(again.body!.getReader());
  expect(dataOf(after.events, 'done')).toMatchObject({ status: 'complete' });
}, 60_000);

it('the client disconnects mid-stream: the provider request is aborted within 1 s and the answer saved as stopped', async () => {
  const before = provider.requests.length;
  const controller = new AbortController();
  const res = await startChat('another long answer', controller.signal);
  const reader = res.body!.getReader();
  const { events } = await readEvents(reader, (e) => e.event === 'delta');
  const meta = dataOf<Meta>(events, 'meta')!;
  const upstream = await eventually(() => provider.requests[before]);
  expect(upstream.aborted).toBeFalsy();

  controller.abort();
  // Observed at the provider: its request closed before the answer finished, within 1 s.
  await eventually(() => (upstream.aborted ? true : undefined), { attempts: 20, everyMs: 50 });

  const answer = await eventually(async () => {
    const row = (await messages(meta.session_id)).find((m) => m.id === meta.assistant_message_id);
    return row && row.status !== 'streaming' ? row : undefined;
  });
  expect(answer.status).toBe('stopped');
  expect(answer.content.length).toBeGreaterThan(0);
  const user = (await messages(meta.session_id)).find((m) => m.id === meta.user_message_id);
  expect(user).toMatchObject({ content: 'another long answer', status: 'complete' });
}, 30_000);
