import { describe, expect, it } from 'vitest';
import { newestReads, orderedReads } from './ordered-reads';

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

describe('newestReads', () => {
  it('shows the answers of reads not overtaken, nothing for a failed one, none begun before a change made here', async () => {
    const shown: string[] = [];
    const answers: Record<string, { resolve: (v: string) => void; reject: (e: Error) => void }> = {};
    const reads = newestReads((key: string) => new Promise<string>((resolve, reject) => (answers[key] = { resolve, reject })), (value) => shown.push(value));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    reads.read('a');
    reads.read('b');
    answers.b!.resolve('b');
    answers.a!.resolve('a');
    await settle();
    expect(shown).toEqual(['b']);
    reads.read('c');
    answers.c!.reject(new Error('offline'));
    await settle();
    reads.read('d');
    reads.supersede();
    answers.d!.resolve('d');
    reads.read('e');
    answers.e!.resolve('e');
    await settle();
    expect(shown).toEqual(['b', 'e']);
  });
});
