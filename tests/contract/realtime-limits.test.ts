/**
 * What one client may make local Realtime hold or do (audit F3: 45 anonymous sockets tracking
 * 1 MiB presence on 100 channels each filled the heap of the one process that also runs Auth,
 * Storage and the gateway), checked frame by frame with raw WebSockets through the gateway.
 * Hosted's limits and wording (local/src/realtime/limits.ts; https://supabase.com/docs/guides/realtime/limits):
 * 429 `Too many connected users` past max_concurrent_users; `ClientJoinRateLimitReached: Too
 * many joins per second` and a disconnect past max_joins_per_second; `Too many messages per
 * second`, `Client presence rate limit exceeded` and `Track message size exceeded` as a system
 * error before the channel closes. The stack runs with small limits and a short rate tick.
 */
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, type TestStack } from '../helpers/stack.ts';
import { printStackLogOnFailure } from './realtime-channels.ts';
import { is, realtimeSocketUrl, type Frame } from './realtime-helpers.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
let sockets: WebSocket[] = [];

const LIMITS = {
  maxConcurrentUsers: 6,
  maxSocketsPerAddress: 2,
  maxJoinsPerSecond: 20,
  maxEventsPerSecond: 20,
  rateTickMs: 500,
  maxPayloadSizeInKb: 16, // a track past 16,500 bytes, as hosted's validate_payload_size counts
  maxSocketHeldBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
};

beforeAll(async () => {
  // trustedProxyDepth 1: X-Forwarded-For names the client, as behind a reverse proxy.
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, trustedProxyDepth: 1, realtimeLimits: LIMITS });
});

afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  sockets = [];
  await sleep(200); // the server counts them closed
});

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Socket {
  ws: WebSocket;
  frames: Frame[];
  send(frame: unknown): void;
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  closed: Promise<number>;
}

/** A raw v2 socket (from `address` when given), or the HTTP status that refused it. */
async function open(apikey = stack.keys.publishableKey, address?: string): Promise<Socket | { status: number; body: string }> {
  const ws = new WebSocket(realtimeSocketUrl(stack, apikey), { headers: address ? { 'X-Forwarded-For': address } : {} });
  sockets.push(ws);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    frames.push(isBinary ? Buffer.from(data as Buffer) : (JSON.parse(String(data)) as Frame));
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const refused = await new Promise<{ status: number; body: string } | null>((resolve, reject) => {
    ws.once('open', () => resolve(null));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
  if (refused) return refused;
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(JSON.stringify(frame)),
    next: (match, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = frames.findIndex(match);
          if (index < 0) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(frames.splice(index, 1)[0]!);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 500)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

async function socket(apikey?: string, address?: string): Promise<Socket> {
  const opened = await open(apikey, address);
  if (!('ws' in opened)) throw new Error(`refused: ${opened.status} ${opened.body}`);
  return opened;
}

let refs = 0;
/** Joins `topic` and resolves with the reply's payload. */
async function join(s: Socket, topic: string, config: Record<string, unknown> = {}): Promise<{ status: string; response: Record<string, unknown> }> {
  const ref = String(++refs);
  s.send([ref, ref, `realtime:${topic}`, 'phx_join', { config }]);
  const reply = (await s.next((f) => Array.isArray(f) && f[1] === ref && f[3] === 'phx_reply')) as unknown[];
  return reply[4] as { status: string; response: Record<string, unknown> };
}

function push(s: Socket, topic: string, event: string, payload: unknown): string {
  const ref = String(++refs);
  s.send([null, ref, `realtime:${topic}`, event, payload]);
  return ref;
}

/** The system error a channel gets before it closes, then its phx_close. */
async function shutDown(s: Socket, topic: string): Promise<string> {
  const system = (await s.next(is(`realtime:${topic}`, 'system'))) as unknown[];
  await s.next(is(`realtime:${topic}`, 'phx_close'));
  return (system[4] as { status: string; message: string }).status + ': ' + (system[4] as { message: string }).message;
}

const track = (s: Socket, topic: string, payload: unknown) => push(s, topic, 'presence', { type: 'presence', event: 'track', payload });

describe('sockets', () => {
  // Without the fix every socket was accepted.
  it('past the per-address bound and past max_concurrent_users are refused with 429 Too many connected users', async () => {
    await socket(undefined, '203.0.113.1');
    await socket(undefined, '203.0.113.1');
    expect(await open(undefined, '203.0.113.1')).toEqual({ status: 429, body: '{"error":"Too many connected users"}' });
    await socket(undefined, '203.0.113.2'); // another address may
    for (let i = 0; i < 3; i++) await socket(); // loopback (the machine's own processes) is counted in all only
    expect(await open()).toEqual({ status: 429, body: '{"error":"Too many connected users"}' });
    sockets[0]!.terminate();
    await sleep(200);
    await socket(); // a closed socket frees its place
  });
});

describe('rates', () => {
  // Without the fix the 12th join was accepted and the socket stayed open.
  it('joins past max_joins_per_second are refused with hosted’s reason and the socket is disconnected', async () => {
    const s = await socket();
    for (let i = 0; i < 11; i++) expect((await join(s, `j-${i}`)).status).toBe('ok'); // 11 in the first 0.5 s tick: 22/s
    await sleep(600);
    expect(await join(s, 'j-late')).toEqual({ status: 'error', response: { reason: 'ClientJoinRateLimitReached: Too many joins per second' } });
    expect(await s.closed).toBe(1000);
  });

  // Without the fix the sender's 12th broadcast reached the listener and its channel stayed.
  it('messages past max_events_per_second close the sender’s channel with Too many messages per second; the service role is not limited', async () => {
    const [sender, listener, server] = [await socket(), await socket(), await socket(stack.keys.secretKey)];
    for (const s of [sender, listener, server]) expect((await join(s, 'busy')).status).toBe('ok');
    for (let i = 0; i < 11; i++) push(sender, 'busy', 'broadcast', { type: 'broadcast', event: 'n', payload: { i } });
    for (let i = 0; i < 30; i++) push(server, 'busy', 'broadcast', { type: 'broadcast', event: 's', payload: { i } });
    await sleep(600);
    push(sender, 'busy', 'broadcast', { type: 'broadcast', event: 'n', payload: { i: 11 } });
    push(server, 'busy', 'broadcast', { type: 'broadcast', event: 's', payload: { i: 30 } });
    expect(await shutDown(sender, 'busy')).toBe('error: Too many messages per second');
    await listener.next((f) => Array.isArray(f) && JSON.stringify(f[4]).includes('"event":"s","payload":{"i":30}'));
    const heard = listener.frames.filter((f) => Array.isArray(f) && f[3] === 'broadcast' && (f[4] as { event: string }).event === 'n');
    expect(heard.map((f) => ((f as unknown[])[4] as { payload: { i: number } }).payload.i)).toEqual([...Array(11).keys()]);
  });

  // Without the fix all six were answered ok and the channel stayed.
  it('a sixth presence message within 30 s closes the channel with Client presence rate limit exceeded', async () => {
    const s = await socket();
    expect((await join(s, 'typing', { presence: { enabled: true, key: 'me' } })).status).toBe('ok');
    for (let i = 0; i < 5; i++) {
      const ref = track(s, 'typing', { typing: i % 2 === 0 });
      expect(((await s.next((f) => Array.isArray(f) && f[1] === ref)) as unknown[])[4]).toEqual({ status: 'ok', response: {} });
    }
    track(s, 'typing', { typing: true });
    expect(await shutDown(s, 'typing')).toBe('error: Client presence rate limit exceeded');
  });
});

describe('what a socket holds', () => {
  // Without the fix the oversized track was kept and sent to everyone on the topic.
  it('a track past the payload size closes the channel with Track message size exceeded; nobody sees it', async () => {
    const [s, other] = [await socket(), await socket()];
    expect((await join(other, 'room', { presence: { enabled: true, key: 'other' } })).status).toBe('ok');
    expect((await join(s, 'room', { presence: { enabled: true, key: 'big' } })).status).toBe('ok');
    track(s, 'room', { blob: 'x'.repeat(17_000) });
    expect(await shutDown(s, 'room')).toBe('error: Track message size exceeded');
    await sleep(200);
    expect(JSON.stringify(other.frames)).not.toContain('"big"');
  });

  // Without the fix a socket held whatever its 100 channels were given (the audit: ~100 MB each).
  it('tracks and joins past what one socket may hold are refused, channel by channel', async () => {
    const s = await socket();
    for (let i = 0; i < 4; i++) {
      expect((await join(s, `held-${i}`, { presence: { enabled: true, key: 'k' } })).status).toBe('ok');
      const ref = track(s, `held-${i}`, { blob: 'x'.repeat(15_000) }); // 60,000 bytes with the 4th, under 64 KiB
      expect(((await s.next((f) => Array.isArray(f) && f[1] === ref)) as unknown[])[4]).toEqual({ status: 'ok', response: {} });
    }
    expect((await join(s, 'held-4', { presence: { enabled: true, key: 'k' } })).status).toBe('ok');
    track(s, 'held-4', { blob: 'x'.repeat(15_000) });
    expect(await shutDown(s, 'held-4')).toBe('error: Track message size exceeded');
    const refused = await join(s, `t${'x'.repeat(6_000)}`, { presence: { key: 'y'.repeat(2_000) } });
    expect(refused.status).toBe('error');
    expect(String(refused.response.reason)).toMatch(/^ConnectionMemoryLimitReached: /);
    push(s, 'held-0', 'presence', { type: 'presence', event: 'untrack' }); // frees 15,000 bytes
    await sleep(100);
    expect((await join(s, `t${'x'.repeat(6_000)}`, {})).status).toBe('ok');
  });

  it('a client that stops reading is disconnected once more than maxBufferedBytes wait for it', async () => {
    const [reader, server] = [await socket(), await socket(stack.keys.secretKey)];
    for (const s of [reader, server]) expect((await join(s, 'flood')).status).toBe('ok');
    reader.ws.pause(); // reads nothing more
    const chunk = 'y'.repeat(16_000); // under the payload size (a larger broadcast is not sent)
    for (let i = 0; i < 1_250; i++) push(server, 'flood', 'broadcast', { type: 'broadcast', event: 'chunk', payload: { i, chunk } });
    const deadline = Date.now() + 10_000;
    while (!stack.recentLog().some((l) => l.includes('did not read')) && Date.now() < deadline) await sleep(50);
    expect(stack.recentLog().join('\n')).toContain(`closed a socket with more than ${LIMITS.maxBufferedBytes} bytes it did not read`);
    reader.ws.resume();
    await reader.closed;
  });
});
