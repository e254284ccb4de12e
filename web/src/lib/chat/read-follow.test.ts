import { describe, expect, it, vi } from 'vitest';
import { ReadFollower } from './read-follow';

/** A view whose reads answer, in turn, with the leaves given (the last one from then on). */
function view(answers: string[]) {
  let shown = 'old';
  let reads = 0;
  let busy = false;
  return {
    reads: () => reads,
    setBusy: (value: boolean) => (busy = value),
    view: {
      reload: async () => {
        shown = answers[Math.min(reads++, answers.length - 1)]!;
      },
      shows: (id: string) => shown === id,
      busy: () => busy,
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const pauses = [1, 1, 1];

describe('ReadFollower', () => {
  it('reads again while reads answer from before the signal, until one shows the leaf', async () => {
    const v = view(['old', 'old', 'new']);
    new ReadFollower(v.view, 'The leaf', pauses).follow('new');
    await vi.waitFor(() => expect(v.reads()).toBe(3));
    await settle();
    expect(v.reads()).toBe(3);
  });

  it('reads once for a leaf both roads name', async () => {
    const v = view(['new']);
    const follower = new ReadFollower(v.view, 'The leaf', pauses);
    follower.follow('new');
    follower.follow('new');
    await vi.waitFor(() => expect(v.reads()).toBe(1));
    await settle();
    expect(v.reads()).toBe(1);
  });

  it('gives up when the pauses run out, and follows the same leaf when it is named again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const v = view(['old']);
    const follower = new ReadFollower(v.view, 'The leaf', pauses);
    follower.follow('gone');
    await vi.waitFor(() => expect(warn).toHaveBeenCalledOnce());
    expect(v.reads()).toBe(pauses.length + 1);
    follower.follow('gone');
    await vi.waitFor(() => expect(v.reads()).toBe(2 * (pauses.length + 1)));
    warn.mockRestore();
  });

  it('stops for a newer leaf, a deleted leaf, or a send of its own', async () => {
    const paused: (() => void)[] = [];
    const release = () => paused.splice(0).forEach((resume) => resume());
    const v = view(['old']);
    const follower = new ReadFollower(v.view, 'The leaf', pauses, () => new Promise<void>((resolve) => paused.push(resolve)));
    follower.follow('first');
    await vi.waitFor(() => expect(v.reads()).toBe(1));
    follower.follow('second'); // reads at once; the first one's pause ends in nothing
    await vi.waitFor(() => expect(v.reads()).toBe(2));
    follower.forget('second');
    release();
    await settle();
    expect(v.reads()).toBe(2);

    follower.follow('third');
    await vi.waitFor(() => expect(v.reads()).toBe(3));
    v.setBusy(true);
    release();
    await settle();
    expect(v.reads()).toBe(3);
  });
});
