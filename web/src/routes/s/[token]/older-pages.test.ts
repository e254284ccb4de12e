// "Older messages" refused on a shared chat: what is shown stays, the reader is told when the
// next try is, the page tries by itself after Retry-After (a bounded number of times), and the
// reader's own "Try again now" reads at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api';
import { AUTO_TRIES, OlderPager, type OlderPage, type OlderView } from './older-pages';

const busy = (seconds: number) => new ApiError(429, 'rate_limited', 'Too many reads from your network', { retry_after_seconds: seconds });
const page: OlderPage = { messages: [], next_cursor: null };

function harness(answers: Array<OlderPage | Error>) {
  const views: OlderView[] = [];
  const added: OlderPage[] = [];
  const read = vi.fn(async () => {
    const next = answers.shift();
    if (!next) throw new Error('no answer left');
    if (next instanceof Error) throw next;
    return next;
  });
  const pager = new OlderPager({ read, add: (p) => added.push(p), show: (v) => views.push(v), cursor: () => 'cursor-1', random: () => 0 });
  return { pager, views, added, read, last: () => views.at(-1) };
}

describe('OlderPager', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a 429 adds nothing, counts down from Retry-After, then reads again by itself', async () => {
    const h = harness([busy(3), page]);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.added).toEqual([]);
    expect(h.last()).toEqual({ step: 'waiting', seconds: 3, message: 'Many people on your network are reading right now — trying again in 3 s.' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.last()).toMatchObject({ step: 'waiting', seconds: 2 });
    expect(h.read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(h.read).toHaveBeenCalledTimes(2);
    expect(h.added).toEqual([page]);
    expect(h.last()).toEqual({ step: 'idle' });
  });

  it(`waits longer each time, and after ${AUTO_TRIES} tries leaves the next one to the reader`, async () => {
    const h = harness([busy(1), busy(1), busy(1), busy(1), busy(1), page]);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(0);
    const waits: number[] = [];
    for (let i = 0; i < AUTO_TRIES; i++) {
      const view = h.last();
      const seconds = view?.step === 'waiting' ? view.seconds : 0;
      waits.push(seconds);
      await vi.advanceTimersByTimeAsync(seconds * 1000);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    expect(h.last()).toEqual({ step: 'stopped', message: 'Many people on your network are reading right now. Try again in 16 s.' });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.read).toHaveBeenCalledTimes(AUTO_TRIES + 1);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.added).toEqual([page]);
  });

  it('"Try again now" while waiting reads at once, and only once', async () => {
    const h = harness([busy(30), page]);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(0);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.read).toHaveBeenCalledTimes(2);
    expect(h.added).toEqual([page]);
  });

  it('a revoked link or a lost connection says so and waits for the reader', async () => {
    const h = harness([new ApiError(404, 'not_found', 'This link does not exist or was revoked.'), new TypeError('Failed to fetch')]);
    h.pager.request();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.last()).toEqual({ step: 'stopped', message: 'This link does not exist or was revoked.' });
    h.pager.request();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.last()).toMatchObject({ step: 'stopped', message: expect.stringMatching(/could not be reached|offline/) });
    expect(h.read).toHaveBeenCalledTimes(2);
  });
});
