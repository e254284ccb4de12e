// A broadcast that names an answer the view does not hold: the view re-reads the chat once,
// and only when neither the rows' channel nor a read of the branch begun since has brought it
// within the grace period.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveChanges } from './live-changes.ts';
import { UnseenAnswers } from './unseen-answers.ts';

describe('UnseenAnswers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = () => {
    const shown = new Set<string>();
    const rereads: string[] = [];
    const changes = new LiveChanges();
    const unseen = new UnseenAnswers({
      holds: (id) => shown.has(id),
      mark: () => changes.begin(),
      readSince: (mark) => changes.readSince(mark),
      reread: (id) => rereads.push(id),
    }, 2_000);
    return { shown, rereads, unseen, changes };
  };

  it('re-reads once when the answer is still not shown after the grace period', () => {
    const { rereads, unseen } = setup();
    unseen.saw('a1');
    vi.advanceTimersByTime(1_999);
    expect(rereads).toEqual([]);
    // Every delta of the answer names it again: still one read.
    unseen.saw('a1');
    unseen.saw('a1');
    vi.advanceTimersByTime(1);
    expect(rereads).toEqual(['a1']);
    unseen.saw('a1');
    vi.advanceTimersByTime(10_000);
    expect(rereads).toEqual(['a1']);
  });

  it('does not re-read when the rows arrive within the grace period, or the answer is shown already', () => {
    const { shown, rereads, unseen } = setup();
    shown.add('a0');
    unseen.saw('a0');
    unseen.saw('a1');
    vi.advanceTimersByTime(500);
    shown.add('a1'); // the row's INSERT, a little after the first delta
    vi.advanceTimersByTime(5_000);
    expect(rereads).toEqual([]);
  });

  it('waits for each answer on its own', () => {
    const { rereads, unseen } = setup();
    unseen.saw('a1');
    vi.advanceTimersByTime(1_000);
    unseen.saw('a2');
    vi.advanceTimersByTime(1_000);
    expect(rereads).toEqual(['a1']);
    vi.advanceTimersByTime(1_000);
    expect(rereads).toEqual(['a1', 'a2']);
  });

  it('does not re-read when a read of the branch begun after the broadcast was applied meanwhile (the answer is elsewhere)', () => {
    const { rereads, unseen, changes } = setup();
    const before = changes.begin(); // a read on its way when the answer is named
    unseen.saw('a1');
    vi.advanceTimersByTime(500);
    changes.apply(before);
    vi.advanceTimersByTime(1_500);
    expect(rereads).toEqual(['a1']); // that read began before the answer was named: it proves nothing
    unseen.saw('a2');
    const after = changes.begin(); // e.g. a branch switch's read
    vi.advanceTimersByTime(500);
    changes.apply(after);
    vi.advanceTimersByTime(1_500);
    expect(rereads).toEqual(['a1']);
  });

  it('re-reads nothing once stopped (the view closed)', () => {
    const { rereads, unseen } = setup();
    unseen.saw('a1');
    unseen.stop();
    vi.advanceTimersByTime(5_000);
    expect(rereads).toEqual([]);
  });
});
