import { describe, expect, it } from 'vitest';
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

  it('sends nothing without a secret key', async () => {
    const { requests, fetch } = recorder();
    const b = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: null, fetch, log: createLogger(() => {}, 'silent') });
    b.send({ topic: 't', event: 'delta', payload: {} });
    await b.flush();
    expect(requests).toEqual([]);
  });
});
