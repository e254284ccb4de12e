import { describe, expect, it } from 'vitest';
import { orderedReads } from './ordered-reads';

describe('orderedReads', () => {
  it('applies answers in the order they arrive unless a later read was applied first', () => {
    const reads = orderedReads();
    const first = reads.begin();
    const second = reads.begin();
    expect(second.apply()).toBe(true);
    // The first read began before the second: its answer is older than what is shown.
    expect(first.apply()).toBe(false);
    const third = reads.begin();
    expect(third.apply()).toBe(true);
  });

  it('drops the answers of reads begun before a change made here', () => {
    const reads = orderedReads();
    const before = reads.begin();
    reads.supersede();
    const after = reads.begin();
    expect(before.apply()).toBe(false);
    expect(after.apply()).toBe(true);
  });
});
