// What a turn sends to Realtime Broadcast (captured by a real HTTP server standing in for
// /realtime/v1/api/broadcast), that a failing Realtime never breaks the turn, and the
// wall-clock budget that stops a turn before the platform would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';

interface Captured {
  headers: http.IncomingHttpHeaders;
  path: string;
  body: { messages: { topic: string; event: string; payload: Record<string, unknown>; private: boolean }[] };
}

let realtime: { url: string; requests: Captured[]; fail: boolean; close(): Promise<void> };
let api: ApiHarness;
// Made per run: no key-shaped literal in the repository.
const SECRET = `sb_secret_${crypto.randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  const requests: Captured[] = [];
  const state = { fail: false };
  const server = http.createServer(async (req, res) => {
    // Only the REST endpoint is played here (a WebSocket upgrade, say, is refused unread).
    if (req.method !== 'POST' || req.url !== '/realtime/v1/api/broadcast') return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ headers: req.headers, path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(state.fail ? 500 : 202).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  realtime = Object.assign(state, { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  api = await createApiHarness({
    // The REST endpoint's fan-out: no Realtime WebSocket (tests/contract/broadcast-socket.test.ts has it).
    env: { SUPABASE_URL: url, SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRET }), CHAT_RATE_CAPACITY: '1000', CHAT_BROADCAST_SOCKET_CHANNELS: '0' },
    provider: { tokens: 30, tokenDelayMs: 5 },
  });
});
afterAll(async () => {
  await api?.close();
  await realtime?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };

describe('Realtime Broadcast fan-out', () => {
  it('sends every unit in seq order, then done, to the private session channel with the secret key', async () => {
    const alice = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/think first weigh it' }));
    const meta = events[0].data;
    const mine = async () => {
      const all = realtime.requests.flatMap((r) => r.body.messages).filter((m) => m.payload.message_id === meta.assistant_message_id);
      return all.some((m) => m.event === 'done') ? all : null;
    };
    const messages = await eventually(mine);
    expect(new Set(messages.map((m) => m.topic))).toEqual(new Set([`session:${meta.session_id}`]));
    expect(messages.every((m) => m.private === true)).toBe(true);
    const units = messages.filter((m) => m.event !== 'done');
    expect(units.map((m) => m.payload.seq)).toEqual(units.map((_, i) => i + 1));
    // The same units, with the same seq, as the asker's own stream.
    const streamed = events.filter((e) => e.event === 'delta' || e.event === 'reasoning').map((e) => [e.event, e.data.seq, e.data.text]);
    expect(units.map((m) => [m.event, m.payload.seq, m.payload.text])).toEqual(streamed);
    // `done` names the last unit, so a device missing some keeps the answer open until they come.
    expect(messages.at(-1)).toMatchObject({ event: 'done', payload: { message_id: meta.assistant_message_id, status: 'complete', code: null, seq: units.length } });
    const request = realtime.requests.find((r) => r.body.messages.some((m) => m.payload.message_id === meta.assistant_message_id))!;
    expect(request.path).toBe('/realtime/v1/api/broadcast');
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.headers.apikey).toBe(SECRET);
    expect(JSON.stringify(api.logs)).not.toContain(SECRET);
  });

  it("a failed answer's done says what failed, as the asker's stream and the row do", async () => {
    const alice = await api.createUser();
    api.fakeProvider.setMode('500');
    let events: Awaited<ReturnType<typeof readSse>>;
    try {
      events = await readSse(await alice.request('POST', '/chat', { ...demo, message: 'this one fails' }));
    } finally {
      api.fakeProvider.setMode('ok');
    }
    const meta = events[0].data;
    const failure = events.at(-1)!;
    expect(failure).toMatchObject({ event: 'error', data: { code: expect.any(String), message: expect.stringMatching(/server error \(500\)/) } });
    const done = await eventually(async () => realtime.requests.flatMap((r) => r.body.messages)
      .find((m) => m.event === 'done' && m.payload.message_id === meta.assistant_message_id) ?? null);
    expect(done.payload).toEqual({ message_id: meta.assistant_message_id, status: 'error', code: failure.data.code, seq: 0, error: { code: failure.data.code, message: failure.data.message } });
    const [row] = await api.db.sql`select status, error_code, error from public.messages where id = ${meta.assistant_message_id}`;
    expect(row).toEqual({ status: 'error', error_code: failure.data.code, error: failure.data.message });
  });

  it('a failing Realtime never breaks the turn', async () => {
    realtime.fail = true;
    try {
      const alice = await api.createUser();
      const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo still fine' }));
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
      const [row] = await api.db.sql`select status, content from public.messages where id = ${events[0].data.assistant_message_id}`;
      expect(row).toEqual({ status: 'complete', content: 'still fine' });
      await eventually(async () => api.logs.some((l) => l.msg === 'realtime broadcast failed'));
    } finally {
      realtime.fail = false;
    }
  });
});

describe('an answer whose final write waits', () => {
  it("is announced as whole and being saved — after its last unit, to the asker's view, a re-attached view and the channel — and then ends as usual", async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const asked = readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo one two three four five' }));
    const id = await eventually(async () => {
      const [r] = await api.db.sql`select id from public.messages where user_id = ${alice.id} and sender = 'assistant'`;
      return (r?.id as string | undefined) ?? null;
    });
    // Another transaction holds the answer's row: the final write (an UPDATE of it) waits, as it
    // does for a slow or absent database; the checkpoints' inserts (a key-share lock) do not.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = api.db.sql.begin(async (tx) => {
      await tx`select 1 from public.messages where id = ${id} for no key update`;
      locked();
      await held;
    });
    await lockTaken;
    release();
    const broadcasts = () => realtime.requests.flatMap((r) => r.body.messages).filter((m) => m.payload.message_id === id);
    const saving = await eventually(async () => broadcasts().find((m) => m.event === 'saving') ?? null, 10_000);
    const [streaming] = await api.db.sql`select status from public.messages where id = ${id}`;
    expect(streaming.status).toBe('streaming');
    // A view attached now hears the whole answer, then that it is being saved.
    const heard: string[] = [];
    const attached = readSse(await alice.request('GET', `/chat/${id}/stream?after=0`), (e) => (heard.push(e.event), false));
    await eventually(async () => heard.includes('saving'));
    // Meanwhile the chat and the rest of the API answer: the waiting write gives its pooled
    // connection back after a short lock wait and is tried again, rather than holding it — and
    // every request queued behind it there — until the row is free (QA13 #1).
    const [{ session_id: sessionId }] = await api.db.sql`select session_id from public.messages where id = ${id}`;
    const reads = await Promise.all(Array.from({ length: 16 }, () => alice.request('GET', `/sessions/${sessionId}/messages`)));
    expect(reads.map((r) => r.status)).toEqual(Array(16).fill(200));
    await Promise.all(reads.map((r) => r.text()));
    commit();
    await holder;
    const [mine, theirs] = await Promise.all([asked, attached]);
    for (const events of [mine, theirs]) {
      const names = events.map((e) => e.event).filter((e) => e !== ':' && e !== 'meta' && e !== 'stored');
      const units = names.filter((e) => e === 'delta').length;
      expect(names).toEqual([...Array(units).fill('delta'), 'saving', 'usage', 'done']);
      expect(events.find((e) => e.event === 'saving')!.data).toEqual({ assistant_message_id: id, seq: units });
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    }
    await eventually(async () => broadcasts().some((m) => m.event === 'done'));
    const units = broadcasts().filter((m) => m.event === 'delta');
    expect(saving.payload).toEqual({ message_id: id, seq: units.length });
    expect(broadcasts().map((m) => m.event)).toEqual([...units.map(() => 'delta'), 'saving', 'done']);
    const [row] = await api.db.sql`select status, content from public.messages where id = ${id}`;
    expect(row).toEqual({ status: 'complete', content: 'one two three four five' });
  });

  it('is not announced when the write is done at once', async () => {
    const alice = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo quick' }));
    expect(events.some((e) => e.event === 'saving')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
  });
});

describe('the wall-clock budget', () => {
  it('stops a turn that runs past CHAT_TURN_MAX_MS, keeping the partial as stopped / wall_clock_limit', async () => {
    const short = await createApiHarness({ env: { CHAT_TURN_MAX_MS: '300' }, provider: { tokens: 200, tokenDelayMs: 10 } });
    try {
      const alice = await short.createUser();
      const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: 'a very long answer' }));
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped', code: 'wall_clock_limit' } });
      const [row] = await short.db.sql`select status, error_code, content from public.messages where id = ${events[0].data.assistant_message_id}`;
      expect(row).toMatchObject({ status: 'stopped', error_code: 'wall_clock_limit' });
      expect(row.content.length).toBeGreaterThan(0);
      expect(row.content).toBe(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''));
    } finally {
      await short.close();
    }
  });
});
