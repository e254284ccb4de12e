import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './log.ts';
import { createBroadcaster, type BroadcastMessage } from './realtime-broadcast.ts';
import { RETRY_AFTER_MS } from './realtime-outbox.ts';

function recorder(status = 202) {
  const requests: { url: string; headers: Record<string, string>; body: { messages: unknown[] } }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    return new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

/** A Realtime endpoint that answers only when the test says: the request stays in flight until then. */
function heldEndpoint() {
  const requests: { messages: BroadcastMessage[]; answer: () => void }[] = [];
  let open = 0;
  let mostOpen = 0;
  const fetch = ((_url: string, init: RequestInit) => {
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    return new Promise<Response>((resolve) => {
      const body = JSON.parse(String(init.body)) as { messages: BroadcastMessage[] };
      requests.push({ messages: body.messages, answer: () => { open -= 1; resolve(new Response(null, { status: 202 })); } });
    });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch, mostOpen: () => mostOpen, seqs: () => requests.map((r) => r.messages.map((m) => `${m.topic}#${m.payload.seq}`)) };
}

const quiet = createLogger(() => {}, 'silent');
const delta = (topic: string, seq: number): BroadcastMessage => ({ topic, event: 'delta', payload: { seq } });
/** Lets queued microtasks (the outbox's dispatch, a fetch's continuation) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('createBroadcaster', () => {
  it('batches a burst into one request to /realtime/v1/api/broadcast, private, with the secret key', async () => {
    const { requests, fetch } = recorder();
    const logs: Record<string, unknown>[] = [];
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'sb_secret_x', fetch, log: createLogger((e) => logs.push(e), 'debug') });
    for (let i = 0; i < 100; i++) b.send({ topic: 'session:1', event: 'delta', payload: { seq: i + 1 } });
    await b.flush();
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('http://sb.test/realtime/v1/api/broadcast');
    expect(requests[0].headers).toMatchObject({ apikey: 'sb_secret_x', authorization: 'Bearer sb_secret_x' });
    expect(requests[0].body.messages).toHaveLength(100);
    expect(requests[0].body.messages[99]).toEqual({ topic: 'session:1', event: 'delta', payload: { seq: 100 }, private: true });
    expect(JSON.stringify(logs)).not.toContain('sb_secret_x');
  });

  it('never throws: a failing endpoint is logged once tried again and once dropped, and the caller goes on', async () => {
    const { requests, fetch } = recorder(500);
    const logs: Record<string, unknown>[] = [];
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: createLogger((e) => logs.push(e), 'debug') });
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    expect(requests).toHaveLength(4); // each message is tried twice, then dropped
    const failed = logs.filter((l) => l.msg === 'realtime broadcast failed');
    expect(failed.map(({ message, retrying, dropped }) => ({ message, retrying, dropped }))).toEqual([
      { message: 'HTTP 500', retrying: 1, dropped: 0 },
      { message: 'HTTP 500', retrying: 0, dropped: 1 },
    ]);
  });

  it('a request that failed in a way that may pass (5xx, 429, no answer) goes once more after RETRY_AFTER_MS, ahead of what came meanwhile; a refusal (4xx) does not', async () => {
    const statuses: (number | 'no answer')[] = [503, 202, 'no answer', 202, 429, 429, 422, 202];
    const requests: BroadcastMessage[][] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      requests.push((JSON.parse(String(init.body)) as { messages: BroadcastMessage[] }).messages);
      const status = statuses[requests.length - 1] ?? 202;
      if (status === 'no answer') throw new TypeError('fetch failed');
      return new Response(null, { status });
    }) as unknown as typeof globalThis.fetch;
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: quiet });
    const started = performance.now();
    b.send(delta('a', 1));
    await settle();
    b.send(delta('a', 2)); // came while the first request failed: it goes after the first unit's second try
    await b.flush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 5);
    expect(requests.slice(0, 2).map((r) => r.map((m) => m.payload.seq))).toEqual([[1], [1, 2]]);
    // Failed twice (429, 429): dropped, not tried a third time. Refused (422): not tried again.
    b.send(delta('a', 6));
    await b.flush();
    b.send(delta('a', 3));
    await b.flush();
    b.send(delta('a', 4));
    await b.flush();
    b.send(delta('a', 5));
    await b.flush();
    expect(requests.slice(2).map((r) => r.map((m) => m.payload.seq))).toEqual([[6], [6], [3], [3], [4], [5]]);
  });

  describe('adaptive batching (the endpoint answers when the test says)', () => {
    afterEach(() => vi.useRealTimers());

    it('sends at once when idle; while a request is in flight everything waits and leaves in one request when it answers', async () => {
      const endpoint = heldEndpoint();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet });
      b.send(delta('a', 1));
      await settle();
      expect(endpoint.seqs()).toEqual([['a#1']]);
      // In flight: two turns' messages and a third turn's pending text wait, however long.
      b.send(delta('a', 2));
      b.send(delta('b', 1));
      let taken = 0;
      b.whenReady(() => {
        taken += 1;
        b.send(delta('c', 1));
      });
      b.send(delta('a', 3));
      await settle();
      expect(endpoint.requests).toHaveLength(1);
      expect(taken).toBe(0);
      endpoint.requests[0].answer();
      await settle();
      expect(taken).toBe(1);
      expect(endpoint.seqs()).toEqual([['a#1'], ['a#2', 'b#1', 'a#3', 'c#1']]);
      endpoint.requests[1].answer();
      await b.flush();
      expect(endpoint.requests).toHaveLength(2);
      expect(endpoint.mostOpen()).toBe(1);
    });

    it('asks a waiting source at once when idle, with no timer', async () => {
      vi.useFakeTimers();
      const endpoint = heldEndpoint();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet });
      const asked: number[] = [];
      b.whenReady(() => asked.push(1));
      await Promise.resolve();
      expect(asked).toEqual([1]);
      expect(endpoint.requests).toHaveLength(0); // nothing handed over, nothing sent
    });

    it('a source never waits more than 50 ms for a slow request; its messages go right after that request, never beside it', async () => {
      vi.useFakeTimers();
      const endpoint = heldEndpoint();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet });
      b.send(delta('a', 1));
      await vi.advanceTimersByTimeAsync(0);
      await vi.advanceTimersByTimeAsync(10);
      const askedAt: number[] = [];
      b.whenReady(() => {
        askedAt.push(performance.now());
        b.send(delta('a', 2));
      });
      const since = performance.now();
      await vi.advanceTimersByTimeAsync(49);
      expect(askedAt).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(askedAt).toEqual([since + 50]);
      // Handed over, but the first request is still out: one request at a time keeps a topic in order.
      await vi.advanceTimersByTimeAsync(500);
      expect(endpoint.requests).toHaveLength(1);
      endpoint.requests[0].answer();
      await vi.advanceTimersByTimeAsync(0);
      expect(endpoint.seqs()).toEqual([['a#1'], ['a#2']]);
      expect(endpoint.mostOpen()).toBe(1);
    });

    it('minIntervalMs (hosted message quotas): requests start at most that often, each carrying what came meanwhile', async () => {
      vi.useFakeTimers();
      const { requests, fetch } = recorder();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: quiet, minIntervalMs: 50 });
      const seqs = () => requests.map((r) => r.body.messages.map((m) => (m as BroadcastMessage).payload.seq));
      b.send(delta('a', 1));
      await vi.advanceTimersByTimeAsync(0);
      expect(seqs()).toEqual([[1]]); // idle: at once
      for (let seq = 2; seq <= 11; seq++) {
        await vi.advanceTimersByTimeAsync(5);
        b.send(delta('a', seq));
      }
      // 50 ms after the first request: one request with what the last 50 ms brought.
      expect(seqs()).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
      await vi.advanceTimersByTimeAsync(49);
      expect(requests).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(seqs()).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10], [11]]);
    });

    it('a spacing longer than 50 ms still asks waiting sources within 50 ms', async () => {
      vi.useFakeTimers();
      const { requests, fetch } = recorder();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: quiet, minIntervalMs: 200 });
      b.send(delta('a', 1));
      await vi.advanceTimersByTimeAsync(0);
      let asked = 0;
      b.whenReady(() => {
        asked += 1;
        b.send(delta('a', 2));
      });
      await vi.advanceTimersByTimeAsync(50);
      expect(asked).toBe(1);
      expect(requests).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(150);
      expect(requests).toHaveLength(2);
    });

    it('a source that asks just as a full batch leaves is still asked within 50 ms, not when that request answers', async () => {
      vi.useFakeTimers();
      const endpoint = heldEndpoint();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet, maxBatch: 2 });
      // A full batch queued on an idle outbox, and a source asking in the same task.
      b.send(delta('a', 1));
      b.send(delta('b', 1));
      let asked = 0;
      b.whenReady(() => {
        asked += 1;
        b.send(delta('c', 1));
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(endpoint.seqs()).toEqual([['a#1', 'b#1']]);
      expect(asked).toBe(0); // the batch was full: the source's text keeps growing meanwhile
      await vi.advanceTimersByTimeAsync(50);
      expect(asked).toBe(1);
      endpoint.requests[0].answer();
      await vi.advanceTimersByTimeAsync(0);
      expect(endpoint.seqs()).toEqual([['a#1', 'b#1'], ['c#1']]);
      endpoint.requests[1].answer();
      await vi.advanceTimersByTimeAsync(0);
      expect(endpoint.mostOpen()).toBe(1);
    });

    it('1,000 sources streaming at once make one request per round trip', async () => {
      const endpoint = heldEndpoint();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet, maxBatch: 5_000 });
      const next = new Map<number, number>();
      for (let round = 0; round < 5; round++) {
        for (let turn = 0; turn < 1_000; turn++) {
          b.whenReady(() => {
            const seq = (next.get(turn) ?? 0) + 1;
            next.set(turn, seq);
            b.send(delta(`t${turn}`, seq));
          });
        }
        await settle();
        endpoint.requests.at(-1)?.answer();
        await settle();
      }
      endpoint.requests.at(-1)?.answer();
      await b.flush();
      expect(endpoint.requests.length).toBeLessThanOrEqual(6);
      const all = endpoint.requests.flatMap((r) => r.messages);
      expect(all).toHaveLength(5_000);
      // Per topic, in seq order with no gap.
      for (let turn = 0; turn < 1_000; turn++) {
        expect(all.filter((m) => m.topic === `t${turn}`).map((m) => m.payload.seq)).toEqual([1, 2, 3, 4, 5]);
      }
    });
  });

  it('more turns than one request carries: waiting sources are asked only once the backlog fits a request', async () => {
    const endpoint = heldEndpoint();
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: quiet, maxBatch: 2 });
    b.send(delta('a', 1));
    await settle();
    for (const topic of ['b', 'c', 'd']) b.send(delta(topic, 1));
    let asked = 0;
    b.whenReady(() => {
      asked += 1;
      b.send(delta('e', 1));
    });
    endpoint.requests[0].answer();
    await settle();
    expect(endpoint.seqs()[1]).toEqual(['b#1', 'c#1']);
    expect(asked).toBe(0); // a full batch was waiting: its text keeps growing into one unit
    endpoint.requests[1].answer();
    await settle();
    expect(asked).toBe(1);
    expect(endpoint.seqs()[2]).toEqual(['d#1', 'e#1']);
    endpoint.requests[2].answer();
    await b.flush();
  });

  it('a hung Realtime: the queue stays bounded by dropping the oldest stream units; `done` and other events always go', async () => {
    const endpoint = heldEndpoint();
    const logs: Record<string, unknown>[] = [];
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch: endpoint.fetch, log: createLogger((e) => logs.push(e), 'debug'), maxQueued: 100 });
    b.send(delta('a', 1));
    await settle();
    expect(endpoint.requests).toHaveLength(1); // and it never answers while 1,000 more messages come
    b.send({ topic: 'x', event: 'done', payload: { message_id: 'x', status: 'complete' } });
    b.send({ topic: 'x', event: 'members_changed', payload: {} });
    for (let seq = 2; seq <= 500; seq++) {
      b.send(delta('a', seq));
      b.send({ topic: 'b', event: 'reasoning', payload: { seq } });
    }
    b.send({ topic: 'a', event: 'done', payload: { message_id: 'a', status: 'complete' } });
    endpoint.requests[0].answer();
    await settle();
    const next = endpoint.requests[1].messages;
    expect(next.length).toBeLessThanOrEqual(100);
    expect(next.slice(0, 2).map((m) => m.event)).toEqual(['done', 'members_changed']); // old, but kept, in order
    expect(next.at(-1)).toMatchObject({ topic: 'a', event: 'done' });
    // What is left of each answer is its newest units, in order, with no hole: one gap, which a device re-reads.
    for (const topic of ['a', 'b']) {
      const seqs = next.filter((m) => m.topic === topic && typeof m.payload.seq === 'number').map((m) => Number(m.payload.seq));
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs.at(-1)).toBe(500);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 501 - seqs.length + i));
    }
    const warnings = logs.filter((l) => l.msg === 'realtime broadcast queue full: oldest stream units dropped');
    expect(warnings).toHaveLength(1); // at most once a minute
    endpoint.requests[1].answer();
    await b.flush();
  });

  it('sends nothing without a secret key, but still lets sources go on', async () => {
    const { requests, fetch } = recorder();
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: null, fetch, log: quiet });
    b.send({ topic: 't', event: 'delta', payload: {} });
    let asked = 0;
    b.whenReady(() => (asked += 1));
    await b.flush();
    expect(requests).toEqual([]);
    expect(asked).toBe(1);
  });
});
