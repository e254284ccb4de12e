/**
 * Provider faults (issue 6, item 2), through the real app and the real openai SDK against the
 * fake provider over sockets: a connection dropped mid-answer, a provider that goes silent
 * past PROVIDER_TIMEOUT_MS, a malformed SSE chunk, and a client that goes away. Each ends in
 * the right event and stored status, and what arrived before the fault is kept.
 */
import type { Sql } from 'postgres';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { onceStored } from '../helpers/stored.ts';
import { allEvents, dataOf, eventually, readEvents } from './helpers.ts';

let api: ApiHarness;
let alice: ApiUser;

beforeAll(async () => {
  // A short provider timeout so the hang case ends quickly; the stream itself is fast.
  api = await createApiHarness({ env: { PROVIDER_TIMEOUT_MS: '400' }, provider: { tokens: 12, tokenDelayMs: 5 } });
  alice = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => {
  api.fakeProvider.setMode('ok');
});

type Meta = { session_id: string; user_message_id: string; assistant_message_id: string };
type Row = { sender: string; content: string; status: string; error: string | null };

const chat = (message: string, init: { signal?: AbortSignal } = {}) =>
  api.app.request('/api/chat', {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'demo', model: 'demo-model', message }),
    signal: init.signal,
  });

async function storedTurn(sql: Sql, meta: Meta): Promise<{ user: Row; assistant: Row }> {
  const rows = await sql<(Row & { id: string })[]>`
    select id, sender, content, status, error from public.messages where session_id = ${meta.session_id}`;
  const user = rows.find((r) => r.id === meta.user_message_id);
  const assistant = rows.find((r) => r.id === meta.assistant_message_id);
  if (!user || !assistant) throw new Error('turn not stored');
  return { user, assistant };
}

/** The assistant row once it left `streaming` (the final write follows the last event). */
const settled = (meta: Meta) =>
  eventually(async () => {
    const turn = await storedTurn(api.db.sql, meta);
    return turn.assistant.status === 'streaming' ? undefined : turn;
  });

it('the provider drops the connection mid-stream: error event, status error, partial kept', async () => {
  api.fakeProvider.setMode('drop');
  const res = await chat('tell me something');
  expect(res.status).toBe(200);
  const events = await allEvents(res);
  const meta = dataOf<Meta>(events, 'meta')!;
  const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
  expect(deltas.length).toBeGreaterThan(0);
  const error = dataOf<{ code: string; message: string }>(events, 'error');
  expect(error?.code).toMatch(/^provider_/);
  expect(error?.message).toMatch(/\w/);
  expect(events.some((e) => e.event === 'done')).toBe(false);

  const turn = await settled(meta);
  expect(turn.user).toMatchObject({ sender: 'user', content: 'tell me something', status: 'complete' });
  expect(turn.assistant.status).toBe('error');
  expect(turn.assistant.content).toBe(deltas);
  expect(turn.assistant.error).toBe(error?.message);
});

it('the provider hangs past PROVIDER_TIMEOUT_MS: provider_timeout, status error, user message kept', async () => {
  api.fakeProvider.setMode('hang');
  const res = await chat('are you there?');
  const events = await allEvents(res);
  const meta = dataOf<Meta>(events, 'meta')!;
  expect(dataOf(events, 'error')).toMatchObject({ code: 'provider_timeout' });

  const turn = await settled(meta);
  expect(turn.user.content).toBe('are you there?');
  expect(turn.assistant).toMatchObject({ status: 'error', content: '' });
  expect(turn.assistant.error).toMatch(/did not answer/);
  // The hung request was given up on, not left open.
  await eventually(() => (api.fakeProvider.requests.at(-1)?.aborted ? true : undefined));
});

it('the provider goes silent after the first tokens (slow stream past the idle timeout): partial kept', async () => {
  api.fakeProvider.setMode('slow-first-token');
  // The role chunk arrives at once, the content only after 2 s: the idle timer fires in between.
  const events = await allEvents(await chat('slowly please'));
  const meta = dataOf<Meta>(events, 'meta')!;
  expect(dataOf(events, 'error')).toMatchObject({ code: 'provider_timeout' });
  const turn = await settled(meta);
  expect(turn.assistant.status).toBe('error');
  expect(turn.user.content).toBe('slowly please');
});

it('the provider sends malformed SSE: a readable error, status error, partial kept', async () => {
  api.fakeProvider.setMode('malformed');
  const events = await allEvents(await chat('break it'));
  const meta = dataOf<Meta>(events, 'meta')!;
  const error = dataOf<{ code: string; message: string }>(events, 'error');
  expect(error?.code).toMatch(/^provider_/);
  expect(error?.message).not.toMatch(/this is not json|Unexpected token|SyntaxError/);
  const turn = await settled(meta);
  expect(turn.assistant.status).toBe('error');
  expect(turn.user.content).toBe('break it');
});

it('the client disconnects mid-stream: the answer still runs to the end and is stored complete', async () => {
  // A long answer so the client can leave in the middle of it.
  const words = Array.from({ length: 120 }, (_, i) => `w${i}`).join(' ');
  const before = api.fakeProvider.requests.length;
  const controller = new AbortController();
  const res = await chat(`/echo ${words}`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'));
  const meta = dataOf<Meta>(events, 'meta')!;
  controller.abort();
  await reader.cancel().catch(() => {});

  const turn = await settled(meta);
  expect(turn.assistant.status).toBe('complete');
  expect(turn.assistant.content).toBe(words);
  expect(api.fakeProvider.requests[before].aborted).toBeFalsy();
  expect(turn.user.status).toBe('complete');
});

it('after all of that the same user chats normally (control)', async () => {
  const events = await allEvents(await chat('/echo all good'));
  expect(dataOf(events, 'done')).toMatchObject({ status: 'complete' });
  const turn = await settled(dataOf<Meta>(events, 'meta')!);
  expect(turn.assistant).toMatchObject({ status: 'complete', content: 'all good', error: null });
});
