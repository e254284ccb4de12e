import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './log.ts';
import { createBroadcaster } from './realtime-broadcast.ts';

function recorder(status = 202) {
  const requests: { url: string; headers: Record<string, string>; body: { messages: unknown[] } }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    return new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

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

  it('never throws: a failing endpoint is logged once and the caller goes on', async () => {
    const { requests, fetch } = recorder(500);
    const logs: Record<string, unknown>[] = [];
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: createLogger((e) => logs.push(e), 'debug'), intervalMs: 1 });
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    expect(requests).toHaveLength(2);
    expect(logs.filter((l) => l.msg === 'realtime broadcast failed')).toHaveLength(1);
  });

  describe('schedule (fake clock)', () => {
    afterEach(() => vi.useRealTimers());
    const seqs = (requests: ReturnType<typeof recorder>['requests']) => requests.map((r) => r.body.messages.map((m) => (m as { payload: { seq: number } }).payload.seq));

    it('sends a message that finds the outbox idle at once, and what follows within 50 ms at the next due time', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const { requests, fetch } = recorder();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: createLogger(() => {}, 'silent') });
      b.send({ topic: 't', event: 'delta', payload: { seq: 1 } });
      await vi.advanceTimersByTimeAsync(0);
      expect(seqs(requests)).toEqual([[1]]);
      // Ten messages 5 ms apart: one request at the due time (50 ms after the first), then one more.
      for (let i = 2; i <= 11; i++) {
        await vi.advanceTimersByTimeAsync(5);
        b.send({ topic: 't', event: 'delta', payload: { seq: i } });
      }
      expect(seqs(requests)).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
      await vi.advanceTimersByTimeAsync(49);
      expect(requests).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(seqs(requests)).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10], [11]]);
      // Idle for longer than the interval: at once again.
      await vi.advanceTimersByTimeAsync(200);
      b.send({ topic: 't', event: 'delta', payload: { seq: 12 } });
      await vi.advanceTimersByTimeAsync(0);
      expect(requests).toHaveLength(4);
    });

    it('a message every 50 ms (a turn\'s units) goes out as it comes, even when a send left late', async () => {
      vi.useFakeTimers({ now: 2_000_000 });
      const { requests, fetch } = recorder();
      const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: createLogger(() => {}, 'silent') });
      for (let i = 1; i <= 5; i++) {
        b.send({ topic: 't', event: 'delta', payload: { seq: i } });
        // The event loop is busy for 3 ms before the outbox's timer runs.
        vi.setSystemTime(Date.now() + 3);
        await vi.advanceTimersByTimeAsync(0);
        expect(requests).toHaveLength(i);
        await vi.advanceTimersByTimeAsync(47);
      }
    });
  });

  it('sends nothing without a secret key', async () => {
    const { requests, fetch } = recorder();
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: null, fetch, log: createLogger(() => {}, 'silent') });
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    expect(requests).toEqual([]);
  });
});
