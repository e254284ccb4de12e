import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answeredOrAfter } from './provider-answer.ts';

describe('answeredOrAfter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles as soon as the provider answers, and leaves no timer behind', async () => {
    let answer!: () => void;
    let settled = false;
    void answeredOrAfter(new Promise<void>((resolve) => (answer = resolve)), 20).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(5);
    expect(settled).toBe(false);
    answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles after the wait when the provider has not answered', async () => {
    let settled = false;
    void answeredOrAfter(new Promise<void>(() => {}), 20).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(19);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });
});
