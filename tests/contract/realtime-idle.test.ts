/**
 * A socket that sends nothing is closed, as hosted Realtime closes one after Phoenix's websocket
 * `timeout` (60 s since the last frame it received: https://hexdocs.pm/phoenix/Phoenix.Endpoint.html#socket/3).
 * Heartbeats keep a socket open; the official client, whose heartbeats come too seldom, gets
 * its socket closed, connects again and joins its channels again. The stack here closes after
 * 1 s, so the tests need not wait a minute.
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { printStackLogOnFailure } from './realtime-channels.ts';
import { connectRaw, is, type Raw } from './realtime-helpers.ts';

const IDLE_MS = 1_000;

let stack: TestStack;
printStackLogOnFailure(() => stack);
const sockets: WebSocket[] = [];
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ realtimeIdleTimeoutMs: IDLE_MS });
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

/** A raw socket through the gateway, and when the server closed it. */
async function connect(): Promise<Raw & { closed: Promise<{ code: number; at: number }> }> {
  const raw = await connectRaw(stack, stack.keys.publishableKey);
  sockets.push(raw.ws);
  const closed = new Promise<{ code: number; at: number }>((resolve) => raw.ws.once('close', (code) => resolve({ code, at: performance.now() })));
  return { ...raw, closed };
}

const heartbeat = (ws: WebSocket, ref: number) => ws.send(JSON.stringify([null, String(ref), 'phoenix', 'heartbeat', {}]));

it('closes a socket that sends nothing once the idle time has passed since its last frame', async () => {
  const { ws, next, closed } = await connect();
  heartbeat(ws, 1);
  const lastFrame = performance.now();
  const { code, at } = await closed;
  expect(code).toBe(1000);
  await expect(next(is('phoenix', 'phx_reply'))).resolves.toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  // Counted from the heartbeat, not from the connection (a little early for the timer's grain).
  expect(at - lastFrame).toBeGreaterThanOrEqual(IDLE_MS - 50);
  expect(at - lastFrame).toBeLessThan(IDLE_MS + 2_000);
  expect(stack.recentLog().some((line) => line.includes(`realtime: closed a socket that sent nothing for ${IDLE_MS} ms`))).toBe(true);
});

it('keeps a socket open while its heartbeats come more often than the idle time', async () => {
  const { ws } = await connect();
  const replies: unknown[] = [];
  ws.on('message', (data) => replies.push(data));
  let ref = 0;
  const beat = setInterval(() => heartbeat(ws, ++ref), IDLE_MS / 3);
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 3));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(replies.length).toBeGreaterThanOrEqual(6);
  } finally {
    clearInterval(beat);
  }
});

it('the official client, whose heartbeats come too seldom, connects again and joins its channel again', async () => {
  const client = createClient(stack.apiUrl, stack.keys.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never, heartbeatIntervalMs: 60_000 },
  });
  clients.push(client);
  const statuses: string[] = [];
  let channel: RealtimeChannel | undefined;
  const subscribedTwice = new Promise<void>((resolve) => {
    channel = client.channel(`idle-${crypto.randomUUID()}`).subscribe((status) => {
      statuses.push(status);
      if (statuses.filter((s) => s === 'SUBSCRIBED').length >= 2) resolve();
    });
  });
  await Promise.race([subscribedTwice, new Promise((_, reject) => setTimeout(() => reject(new Error(`statuses: ${statuses.join(', ')}`)), 10_000))]);
  expect(statuses[0]).toBe('SUBSCRIBED');
  expect(channel?.state).toBe('joined');
});
