import { describe, expect, it } from 'vitest';
import { ConnectionCounter, DEFAULT_LIMITS, PresenceWindow, RateCounter, throttledLog, payloadTooLarge } from './limits.ts';

describe('rate counter (hosted Realtime.RateCounter)', () => {
  it('is over the limit from the tick whose average of the last 12 reaches it, until the average falls below', () => {
    let now = 0;
    const counter = new RateCounter(100, 5_000, () => now);
    for (let i = 0; i < 499; i++) counter.add();
    now = 5_000;
    expect(counter.limited).toBe(false); // 499 in one 5 s tick: 99.8/s
    counter.add();
    now = 10_000;
    expect(counter.limited).toBe(false); // [1, 499]: 50/s
    for (let i = 0; i < 1_000; i++) counter.add();
    expect(counter.limited).toBe(false); // counted at the next tick, not before
    now = 15_000;
    expect(counter.limited).toBe(true); // [1000, 1, 499]: 100/s
    now = 20_000;
    expect(counter.limited).toBe(false); // [0, 1000, 1, 499]: 75/s
  });

  it('keeps 12 buckets and starts afresh after 5 idle minutes, as hosted stops an idle counter', () => {
    let now = 0;
    const counter = new RateCounter(10, 1_000, () => now);
    for (let i = 0; i < 200; i++) counter.add();
    now = 1_000;
    expect(counter.limited).toBe(true); // 200/s
    now = 12_000;
    expect(counter.limited).toBe(true); // [0 × 11, 200]: 16.7/s
    now = 13_000;
    expect(counter.limited).toBe(false); // the 200 left the window
    now = 400_000;
    for (let i = 0; i < 10; i++) counter.add();
    now = 401_000;
    expect(counter.limited).toBe(true); // [10]: a new counter's first tick
  });
});

describe('rate counter average (hosted RateCounter.get(...).avg, which the REST broadcasts read)', () => {
  it('is the per-second average of the kept ticks, as of the last tick; add(n) counts n', () => {
    let now = 0;
    const counter = new RateCounter(100, 500, () => now);
    counter.add(11);
    expect(counter.average).toBe(0); // not before the tick
    now = 500;
    expect(counter.average).toBe(22); // [11] in 0.5 s
    counter.add(10);
    now = 1_000;
    expect(counter.average).toBe(21); // [10, 11]: 21 in 1 s
  });
});

describe('client presence window (hosted limit_client_presence_event)', () => {
  it('allows maxCalls messages in a window that starts with the first', () => {
    let now = 0;
    const window = new PresenceWindow({ maxCalls: 5, windowMs: 30_000 }, () => now);
    expect([1, 2, 3, 4, 5, 6].map(() => window.take())).toEqual([true, true, true, true, true, false]);
    now = 30_000;
    expect(window.take()).toBe(false); // the window ends after 30 s, not at
    now = 30_001;
    expect(window.take()).toBe(true);
  });
});

describe('limits', () => {
  it('checks a track as hosted validate_payload_size does: max_payload_size_in_kb × 1000 + 500 bytes', () => {
    expect(payloadTooLarge(DEFAULT_LIMITS, 3_000_500)).toBe(false);
    expect(payloadTooLarge(DEFAULT_LIMITS, 3_000_501)).toBe(true);
  });

  it('counts sockets in all and per address; loopback only in all', () => {
    const counter = new ConnectionCounter({ ...DEFAULT_LIMITS, maxConcurrentUsers: 3, maxSocketsPerAddress: 1 });
    const close = counter.open('203.0.113.9');
    expect(counter.refusal('203.0.113.9')).toBe('Too many connected users');
    expect(counter.refusal('::ffff:203.0.113.9')).toBe('Too many connected users'); // the same address
    counter.open('127.0.0.1');
    expect(counter.refusal('::1')).toBeNull();
    counter.open('::ffff:127.0.0.1');
    expect(counter.refusal('198.51.100.1')).toBe('Too many connected users'); // 3 in all
    close();
    close(); // once
    expect(counter.refusal('203.0.113.9')).toBeNull();
  });

  it('logs at most one line per interval and says how many it left out', () => {
    const lines: string[] = [];
    const log = throttledLog((line) => lines.push(line), 60_000);
    log('a');
    log('b');
    log('c');
    expect(lines).toEqual(['a']);
  });
});
