/**
 * Hosted Realtime's limits that realtime-limits.test.ts does not cover (local/src/realtime/limits.ts):
 * - a socket without a channel is dropped after NO_CHANNEL_TIMEOUT_IN_MS (hosted: 10 min,
 *   realtime_channel/tracker.ex kills the transport) and stops counting toward the connections;
 * - a client broadcast over max_payload_size_in_kb is not sent, and an acked one is answered
 *   `payload_size_exceeded` (BroadcastHandler);
 * - `POST /realtime/v1/api/broadcast` refuses a payload over the size with 422 and counts the
 *   messages it sends against max_events_per_second: 429 `Too many messages to broadcast, please
 *   reduce the batch size` / `You have exceeded your rate limit` (BatchBroadcast, SingleBroadcast);
 *   the service role (the app's server) is not limited.
 * Replies are judged by the official supabase-js / realtime-js client; the dropped socket with
 * raw sockets through the gateway. The stack runs with small limits and short times.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NO_FUNCTIONS, startTestStack, type TestStack } from '../helpers/stack.ts';
import { join, printStackLogOnFailure } from './realtime-channels.ts';
import { is, realtimeSocketUrl, type Frame } from './realtime-helpers.ts';

const NO_CHANNEL_MS = 1_000;
const LIMITS = {
  noChannelTimeoutMs: NO_CHANNEL_MS,
  maxSocketsPerAddress: 2,
  maxEventsPerSecond: 20,
  rateTickMs: 500,
  maxPayloadSizeInKb: 16, // payloads past 16,500 bytes, as hosted's validate_payload_size counts
};
const BIG = { blob: 'x'.repeat(17_000) };

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];
let sockets: WebSocket[] = [];

beforeAll(async () => {
  // trustedProxyDepth 1: X-Forwarded-For names the client, as behind a reverse proxy.
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, trustedProxyDepth: 1, realtimeLimits: LIMITS });
});

afterEach(() => {
  for (const ws of sockets) ws.terminate();
  sockets = [];
});

afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const room = () => `room-${crypto.randomUUID()}`;

function anonClient(options: { vsn?: string } = {}): SupabaseClient {
  const client = options.vsn
    ? createClient(stack.apiUrl, stack.keys.publishableKey, {
        auth: { persistSession: false, autoRefreshToken: false },
        realtime: { transport: WebSocket as never, vsn: options.vsn } as never,
      })
    : stack.client();
  clients.push(client);
  return client;
}

interface Socket {
  ws: WebSocket;
  frames: Frame[];
  /** The close code, or 'open' when the socket is still open after `ms`. */
  closedWithin(ms: number): Promise<number | 'open'>;
}

/** A raw v2 socket from `address`, or the HTTP status that refused it. */
async function open(address: string): Promise<Socket | number> {
  const ws = new WebSocket(realtimeSocketUrl(stack, stack.keys.publishableKey), { headers: { 'X-Forwarded-For': address } });
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data, isBinary) => frames.push(isBinary ? Buffer.from(data as Buffer) : (JSON.parse(String(data)) as Frame)));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const refused = await new Promise<number | null>((resolve, reject) => {
    ws.once('open', () => resolve(null));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
  if (refused !== null) return refused;
  return { ws, frames, closedWithin: (ms) => Promise.race([closed, sleep(ms).then(() => 'open' as const)]) };
}

async function socket(address: string): Promise<Socket> {
  const opened = await open(address);
  if (typeof opened === 'number') throw new Error(`refused: ${opened}`);
  return opened;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 10 s`);
    await sleep(20);
  }
}

describe('sockets without a channel', () => {
  // Without the fix both sockets stayed open (for the 60 s of Phoenix's idle timeout) and the
  // address's places stayed taken.
  it('are dropped once they had no channel for the no-channel time (never joined, or left their last), freeing their places', async () => {
    const address = '203.0.113.7';
    const [never, left] = [await socket(address), await socket(address)];
    expect(await open(address)).toBe(429);
    left.ws.send(JSON.stringify(['1', '1', 'realtime:lobby', 'phx_join', { config: {} }]));
    await until(() => left.frames.some(is('realtime:lobby', 'phx_reply')), 'join reply');
    left.ws.send(JSON.stringify(['1', '2', 'realtime:lobby', 'phx_leave', {}]));
    // As hosted's Tracker kills the transport: no close frame, 1006 for the client.
    expect(await never.closedWithin(NO_CHANNEL_MS + 5_000)).toBe(1006);
    expect(await left.closedWithin(NO_CHANNEL_MS + 5_000)).toBe(1006);
    expect(stack.recentLog().some((line) => line.includes(`realtime: dropped a socket with no channel for ${NO_CHANNEL_MS} ms`))).toBe(true);
    await sleep(100); // the server counts them closed
    await socket(address);
  });

  it('keep a socket that has a channel, past the no-channel time', async () => {
    const s = await socket('203.0.113.8');
    s.ws.send(JSON.stringify(['1', '1', 'realtime:stay', 'phx_join', { config: {} }]));
    await until(() => s.frames.some(is('realtime:stay', 'phx_reply')), 'join reply');
    expect(await s.closedWithin(NO_CHANNEL_MS * 3)).toBe('open');
    s.ws.send(JSON.stringify([null, '2', 'phoenix', 'heartbeat', {}]));
    await until(() => s.frames.some(is('phoenix', 'phx_reply')), 'heartbeat reply');
  });
});

describe('client broadcast size', () => {
  // Without the fix the oversized broadcast was answered ok and reached the listener.
  it('a broadcast past the payload size is not sent; with ack it is answered payload_size_exceeded and the channel stays', async () => {
    const name = room();
    const sender = await join(anonClient(), name, { broadcast: { ack: true } });
    const listener = await join(anonClient(), name);
    expect(await sender.channel.send({ type: 'broadcast', event: 'big', payload: BIG })).toBe('error');
    expect(await sender.channel.send({ type: 'broadcast', event: 'small', payload: { n: 1 } })).toBe('ok');
    await listener.until(() => listener.broadcasts.length === 1, 'the small broadcast');
    expect(listener.broadcasts).toEqual([{ event: 'small', payload: { n: 1 } }]);
  });

  // Without the fix the push was answered {status: 'ok'}.
  it('the reply is hosted’s, frame by frame: {status: "error", response: "payload_size_exceeded"}', async () => {
    const s = await socket('203.0.113.9');
    s.ws.send(JSON.stringify(['1', '1', 'realtime:frames', 'phx_join', { config: { broadcast: { ack: true } } }]));
    await until(() => s.frames.some(is('realtime:frames', 'phx_reply')), 'join reply');
    s.ws.send(JSON.stringify(['1', '2', 'realtime:frames', 'broadcast', { type: 'broadcast', event: 'big', payload: BIG }]));
    await until(() => s.frames.some((f) => Array.isArray(f) && f[1] === '2'), 'the reply');
    expect(s.frames.find((f) => Array.isArray(f) && f[1] === '2')).toEqual(['1', '2', 'realtime:frames', 'phx_reply', { status: 'error', response: 'payload_size_exceeded' }]);
  });

  // Without the fix the v1 (text) client's oversized broadcast reached the listener.
  it('without ack, and from a v1 client (text frames), an oversized broadcast is dropped', async () => {
    const name = room();
    const sender = await join(anonClient({ vsn: '1.0.0' }), name);
    const listener = await join(anonClient(), name);
    expect(sender.channel.socket.vsn).toBe('1.0.0');
    await sender.channel.send({ type: 'broadcast', event: 'big', payload: BIG });
    await sender.channel.send({ type: 'broadcast', event: 'small', payload: { n: 2 } });
    await listener.until(() => listener.broadcasts.length >= 1, 'the small broadcast');
    await sleep(100);
    expect(listener.broadcasts).toEqual([{ event: 'small', payload: { n: 2 } }]);
    expect(sender.statuses).toEqual([]); // the channel stays joined
  });
});

async function restBroadcast(key: string, messages: unknown[]): Promise<Response> {
  return fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
}

// The REST counter is the tenant's and averages over its last ticks: these run in order, and the
// batch test runs first, from an unused counter — one message counted before it (the size test's
// httpSend) would average above 0 after the next tick and refuse the batch of 20 as too large.
describe('REST broadcast', () => {
  // Without the fix the batch of 21 was sent.
  it('a batch that would pass the messages per second is refused with 429; one within it is sent', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: name, event: 'n', payload: { i } }));
    const tooMany = await restBroadcast(stack.keys.publishableKey, messages(21));
    expect(tooMany.status).toBe(429);
    expect(await tooMany.json()).toEqual({ message: 'Too many messages to broadcast, please reduce the batch size' });
    const within = await restBroadcast(stack.keys.publishableKey, messages(20));
    expect(within.status).toBe(202);
    await listener.until(() => listener.broadcasts.length === 20, '20 broadcasts');
  });

  // Without the fix both requests were answered 202 and the small message was sent.
  it('a payload past the size is refused with 422 (nothing of the batch sent), httpSend too', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const batch = await restBroadcast(stack.keys.secretKey, [
      { topic: name, event: 'small', payload: { n: 1 } },
      { topic: name, event: 'big', payload: BIG },
    ]);
    expect(batch.status).toBe(422);
    expect(await batch.json()).toEqual({ errors: { messages: [{}, { payload: ['Payload size exceeds tenant limit'] }] } });
    const sender = anonClient().channel(name);
    await expect(sender.httpSend('big', BIG)).rejects.toThrow('Unprocessable Entity');
    await expect(sender.httpSend('bytes', new Uint8Array(16_501))).rejects.toThrow('Unprocessable Entity');
    await expect(sender.httpSend('bytes', new Uint8Array(16_500))).resolves.toEqual({ success: true });
    await listener.until(() => listener.broadcasts.length === 1, 'the binary broadcast');
    expect(listener.broadcasts.map((b) => b.event)).toEqual(['bytes']);
  });

  // Without the fix every request was sent.
  it('past the messages per second, httpSend and an unjoined channel’s send() are refused; the service role is not limited', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const sender = anonClient().channel(name);
    let refusal: unknown = null;
    for (let i = 0; i < 2_000 && refusal === null; i++) refusal = await sender.httpSend('n', { i }).then(() => null, (error: unknown) => error);
    expect(refusal).toEqual(new Error('You have exceeded your rate limit'));
    let answer = 'ok';
    for (let i = 0; i < 2_000 && answer === 'ok'; i++) answer = await sender.send({ type: 'broadcast', event: 'fallback', payload: { i } });
    expect(answer).toBe('error');
    const server = await restBroadcast(stack.keys.secretKey, Array.from({ length: 50 }, (_, i) => ({ topic: name, event: 'server', payload: { i } })));
    expect(server.status).toBe(202);
    await listener.until(() => listener.broadcasts.filter((b) => b.event === 'server').length === 50, 'the service role’s 50 broadcasts');
  });
});
