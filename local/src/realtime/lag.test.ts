import { describe, expect, it } from 'vitest';
import { createLagReporter } from './lag.ts';

describe('lag reporter', () => {
  it('reports a commit dispatched late, splitting stream and checks, once per interval', () => {
    const lines: string[] = [];
    let clock = Date.parse('2026-12-05T10:00:05.000Z');
    const report = createLagReporter((line) => lines.push(line), { now: () => clock });
    const committed = { commitLsn: '0/1A2B3C', commitTimestamp: '2026-12-05T10:00:00.000Z' };
    report(committed, clock - 300);
    expect(lines).toEqual([
      'realtime: the commit at 0/1A2B3C reached its subscribers 5000 ms after it was committed (4700 ms in the stream, 300 ms in its checks)',
    ]);
    clock += 5_000; // still within the interval: the backlog makes one line
    report(committed, clock);
    expect(lines).toHaveLength(1);
    clock += 5_000;
    report(committed, clock);
    expect(lines).toHaveLength(2);
  });

  it('is quiet for a commit on time, and for a timestamp it cannot read', () => {
    const lines: string[] = [];
    const clock = Date.parse('2026-12-05T10:00:00.400Z');
    const report = createLagReporter((line) => lines.push(line), { now: () => clock });
    report({ commitLsn: '0/1', commitTimestamp: '2026-12-05T10:00:00.000Z' }, clock);
    report({ commitLsn: '0/2', commitTimestamp: 'not a time' }, clock);
    expect(lines).toEqual([]);
  });
});
