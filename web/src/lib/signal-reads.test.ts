import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signalReads } from './signal-reads';

describe('signalReads', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads at once and once more after the settling delay', () => {
    const reads = signalReads(500);
    const read = vi.fn();
    reads.read('list', read);
    expect(read).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(499);
    expect(read).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(read).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5_000);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('signals in a row read each time, and share one settling read after the last', () => {
    const reads = signalReads(500);
    const read = vi.fn();
    reads.read('list', read);
    vi.advanceTimersByTime(300);
    reads.read('list', read);
    vi.advanceTimersByTime(300);
    expect(read).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(200);
    expect(read).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(5_000);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('keeps one repeat per key', () => {
    const reads = signalReads(500);
    const one = vi.fn();
    const other = vi.fn();
    reads.read('chat:1', one);
    reads.read('chat:2', other);
    vi.advanceTimersByTime(500);
    expect(one).toHaveBeenCalledTimes(2);
    expect(other).toHaveBeenCalledTimes(2);
  });

  it('stop cancels the repeats still waiting', () => {
    const reads = signalReads(500);
    const read = vi.fn();
    reads.read('list', read);
    reads.stop();
    vi.advanceTimersByTime(5_000);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
