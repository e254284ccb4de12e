/**
 * The function's broadcaster (supabase/functions/api/lib/realtime-broadcast.ts) over a real
 * WebSocket to local Realtime, with its REST fallback, against devices joined with the
 * official supabase-js client: a running turn's messages go over the socket once its private
 * channel is joined, over REST before that and when the join is refused, and each topic keeps
 * its order across the switch; `done` arrives; the channel is left after the turn.
 *
 * Local Realtime here allows one channel per socket (hosted allows 100:
 * https://supabase.com/docs/guides/realtime/limits), so a second topic at once is refused and a
 * channel that was not left would refuse the next turn's.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../supabase/functions/api/lib/log.ts';
import { createBroadcaster, type Broadcaster } from '../../supabase/functions/api/lib/realtime-broadcast.ts';
import { NO_FUNCTIONS, startTestStack, type TestStack } from '../helpers/stack.ts';
import { createTestPolicies, join, printStackLogOnFailure, settle, signedIn, type Joined } from './realtime-channels.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];
/** Every message that went over REST, as `topic#seq` (or `topic#done`), in request order. */
const overRest: string[] = [];
let restDelayMs = 0;
/** While set, REST requests wait for it (a Realtime REST endpoint that does not answer yet). */
let restGate: Promise<void> | null = null;
const logs: Record<string, unknown>[] = [];
let broadcaster: Broadcaster;
let makeBroadcaster: (sockets?: { joinsPerSecond?: number; channelsPerSocket?: number }) => Broadcaster;

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, realtimeChannelsPerSocket: 1 });
  await createTestPolicies(stack.db.sql);
  const restFetch: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { messages: { topic: string; event: string; payload: { seq?: number } }[] };
    for (const m of body.messages) overRest.push(`${m.topic}#${m.payload.seq ?? m.event}`);
    // A slow REST round trip: the channel is joined while earlier messages are still on their way.
    if (restDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, restDelayMs));
    if (restGate) await restGate;
    return await fetch(input, init);
  };
  makeBroadcaster = (sockets = {}) => createBroadcaster({
    supabaseUrl: stack.apiUrl, secretKey: stack.keys.secretKey, fetch: restFetch, log: createLogger((e) => logs.push(e), 'debug'),
    sockets: { maxChannels: 10, transport: WebSocket, ...sockets },
  });
  broadcaster = makeBroadcaster();
});
afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

/** A device of a signed-in user on `topic` (a test policy lets any signed-in user read `rt-readonly:*`). */
async function device(topic: string): Promise<Joined> {
  const { client } = await signedIn(stack, clients);
  await client.realtime.setAuth((await client.auth.getSession()).data.session!.access_token);
  return await join(client, topic, { private: true });
}

/**
 * A turn as lib/chat/turn.ts runs one: opens the topic, sends `count` deltas (the first `burst`
 * at once, the rest one per `whenReady`, `gapMs` apart), then `done`, then closes the topic.
 */
async function turn(topic: string, count: number, burst: number, gapMs: number): Promise<void> {
  const close = broadcaster.open(topic);
  let seq = 0;
  const delta = () => broadcaster.send({ topic, event: 'delta', payload: { message_id: topic, seq: ++seq, text: `t${seq} ` } });
  while (seq < burst) delta();
  while (seq < count) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    await new Promise<void>((resolve) => broadcaster.whenReady(() => resolve(delta()), topic));
  }
  broadcaster.send({ topic, event: 'done', payload: { message_id: topic, status: 'complete', code: null } });
  close();
}

/** Until the device has the turn's `done`. */
const untilDone = (watching: Joined) => watching.until(() => watching.broadcasts.some((b) => b.event === 'done'), 'done', 10_000);

/** Runs `work` with every REST request answered 150 ms late (the channel joins meanwhile). */
async function withSlowRest(work: () => Promise<void>): Promise<void> {
  restDelayMs = 150;
  try {
    await work();
  } finally {
    restDelayMs = 0;
  }
}

const seqs = (watching: Joined) => watching.broadcasts.filter((b) => b.event === 'delta').map((b) => b.payload.seq);
const restSeqs = (topic: string) => overRest.filter((m) => m.startsWith(`${topic}#`)).map((m) => m.slice(topic.length + 1));
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

it('a turn that ends before the socket is even connected leaves no channel behind', async () => {
  // A new process: its socket is still connecting when this turn opens and closes its topic.
  broadcaster = makeBroadcaster();
  const early = `rt-readonly:early-${crypto.randomUUID()}`;
  broadcaster.open(early)();
  await broadcaster.flush();
  const topic = `rt-readonly:after-${crypto.randomUUID()}`;
  const watching = await device(topic);
  await turn(topic, 40, 1, 5);
  await broadcaster.flush();
  await untilDone(watching);
  expect(seqs(watching)).toEqual(upTo(40));
  // Joined (one channel per socket): the early turn's join did not stay on the server.
  expect(restSeqs(topic).length).toBeLessThan(20);
});

it('a turn streams over the socket once its channel is joined, in order across the switch from REST, and ends with done', async () => {
  const topic = `rt-readonly:a-${crypto.randomUUID()}`;
  const watching = await device(topic);
  await withSlowRest(async () => {
    await turn(topic, 60, 5, 5);
    await broadcaster.flush();
  });
  await untilDone(watching);
  // Every delta once, in order, then done — although the first went over REST and the rest over the socket.
  expect(seqs(watching)).toEqual(upTo(60));
  expect(watching.broadcasts.at(-1)).toEqual({ event: 'done', payload: { message_id: topic, status: 'complete', code: null } });
  const rest = restSeqs(topic);
  expect(rest.slice(0, 5)).toEqual(['1', '2', '3', '4', '5']);
  expect(rest.length).toBeLessThan(30); // the rest of the answer went over the socket
  expect(rest).not.toContain('done');
});

it('a topic whose join is refused (too many channels on the socket) streams over REST, in order, while another uses the socket', async () => {
  const first = `rt-readonly:b-${crypto.randomUUID()}`;
  const second = `rt-readonly:c-${crypto.randomUUID()}`;
  const [watchFirst, watchSecond] = [await device(first), await device(second)];
  // The first joins the one channel this socket may have; the second is refused.
  const running = turn(first, 80, 1, 5);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await turn(second, 40, 1, 5);
  await running;
  await broadcaster.flush();
  for (const [watching, n] of [[watchFirst, 80], [watchSecond, 40]] as const) {
    await untilDone(watching);
    expect(seqs(watching)).toEqual(upTo(n));
    expect(watching.broadcasts.at(-1)?.event).toBe('done');
  }
  expect(restSeqs(second)).toEqual([...upTo(40).map(String), 'done']);
  expect(restSeqs(first).length).toBeLessThan(40);
  expect(logs.some((l) => l.msg === 'realtime channel refused; broadcasting over REST' && String(l.reason).startsWith('ChannelRateLimitReached'))).toBe(true);
});

it('leaves the channel after the turn: the next turn can join (one channel per socket)', async () => {
  const topic = `rt-readonly:d-${crypto.randomUUID()}`;
  const watching = await device(topic);
  await turn(topic, 60, 1, 5);
  await broadcaster.flush();
  await untilDone(watching);
  expect(seqs(watching)).toEqual(upTo(60));
  // Joined: had the previous turns' channels not been left, this one would have been refused.
  expect(restSeqs(topic).length).toBeLessThan(30);
});

it('a message sent to the topic before a turn opened it (a members change) does not keep the turn off the socket', async () => {
  const topic = `rt-readonly:h-${crypto.randomUUID()}`;
  const watching = await device(topic);
  await withSlowRest(async () => {
    // routes/members.ts sends to the session's topic outside any turn; a turn starts meanwhile.
    broadcaster.send({ topic, event: 'members_changed', payload: {} });
    await turn(topic, 60, 1, 5);
    await broadcaster.flush();
  });
  await untilDone(watching);
  expect(seqs(watching)).toEqual(upTo(60));
  // Once the members change and the turn's first units are out over REST, the rest goes over
  // the socket: the earlier message is not taken off the turn's count of REST messages.
  expect(restSeqs(topic).length).toBeLessThan(30);
});

/**
 * A turn whose first delta goes over REST while REST does not answer, and whose channel joins
 * meanwhile; then five deltas, each cut when whenReady hands over — at once, since the turn's
 * views (SSE) get their units from the same cut and must not wait for REST — then `done`.
 * `firstBeforeOpen`: the first delta is sent before the topic is opened — the broadcaster takes
 * messages for a topic nobody has open (lib/chat/turn.ts sent a turn's first unit so until it
 * opened its topic with its rows, 2026-12-05).
 */
async function turnBehindHeldRest(firstBeforeOpen: boolean): Promise<{ topic: string; watching: Joined }> {
  const topic = `rt-readonly:held-${crypto.randomUUID()}`;
  const watching = await device(topic);
  let release!: () => void;
  restGate = new Promise<void>((resolve) => (release = resolve));
  let seq = 0;
  const delta = () => broadcaster.send({ topic, event: 'delta', payload: { message_id: topic, seq: ++seq, text: `t${seq} ` } });
  if (firstBeforeOpen) delta();
  const close = broadcaster.open(topic);
  try {
    if (!firstBeforeOpen) delta(); // before the join: over REST, which does not answer yet
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the channel joins meanwhile
    for (let i = 0; i < 5; i++) {
      const cut = await Promise.race([
        new Promise<boolean>((resolve) => broadcaster.whenReady(() => resolve(true), topic)),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
      ]);
      expect(cut).toBe(true);
      delta();
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // anything sent over the socket has arrived
  } finally {
    restGate = null;
    release();
  }
  broadcaster.send({ topic, event: 'done', payload: { message_id: topic, status: 'complete', code: null } });
  close();
  await broadcaster.flush();
  await untilDone(watching);
  return { topic, watching };
}

it('a joined turn keeps cutting its units while its earlier ones are still on their way over REST, and they arrive in order', async () => {
  const { topic, watching } = await turnBehindHeldRest(false);
  expect(seqs(watching)).toEqual(upTo(6));
  expect(restSeqs(topic)).toEqual(['1']); // the rest waited for it, then went over the socket
});

it('a message sent before its topic is opened still arrives first, however slow REST is', async () => {
  const { topic, watching } = await turnBehindHeldRest(true);
  expect(seqs(watching)).toEqual(upTo(6));
  expect(restSeqs(topic)).toEqual(['1']);
});

it('local Realtime refuses a join past the channels a socket may have, as hosted does (official client)', async () => {
  const { client } = await signedIn(stack, clients);
  await client.realtime.setAuth((await client.auth.getSession()).data.session!.access_token);
  const one = await join(client, `rt-readonly:e-${crypto.randomUUID()}`, { private: true });
  const refused = await settle(join(client, `rt-readonly:f-${crypto.randomUUID()}`, { private: true }));
  expect(refused).toBeInstanceOf(Error);
  expect((refused as Error).message).toBe('ChannelRateLimitReached: Too many channels');
  await client.removeChannel(one.channel);
  await join(client, `rt-readonly:g-${crypto.randomUUID()}`, { private: true });
});

it('joins at most joinsPerSecond channels: a turn that finds no join left streams over REST, and a later turn joins again', async () => {
  // One join per 4 s, and a socket per channel (so a second join would not be refused by the server).
  broadcaster = makeBroadcaster({ joinsPerSecond: 0.25, channelsPerSocket: 1 });
  try {
    const [first, second, third] = ['f', 'g', 'h'].map((label) => `rt-readonly:${label}-${crypto.randomUUID()}`);
    const watching = [await device(first!), await device(second!), await device(third!)];
    // The first takes the one join there is; the second, opened beside it, finds none and ends long before the next.
    await Promise.all([turn(first!, 60, 1, 5), turn(second!, 40, 1, 5)]);
    await broadcaster.flush();
    await new Promise((resolve) => setTimeout(resolve, 4_100));
    await turn(third!, 60, 1, 5);
    await broadcaster.flush();
    for (const [device, n] of [[watching[0]!, 60], [watching[1]!, 40], [watching[2]!, 60]] as const) {
      await untilDone(device);
      expect(seqs(device)).toEqual(upTo(n));
    }
    expect(restSeqs(second!)).toEqual([...upTo(40).map(String), 'done']);
    expect(restSeqs(first!).length).toBeLessThan(30);
    expect(restSeqs(third!).length).toBeLessThan(30);
  } finally {
    broadcaster = makeBroadcaster();
  }
}, 30_000);
