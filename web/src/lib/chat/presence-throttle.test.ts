import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESENCE_TRACKS, PRESENCE_WINDOW_MS, PresenceThrottle } from './presence-throttle';

/** Realtime's rule as hosted counts it: a window opens with a message and takes 5 in 30 s. */
function closesChannel(times: number[], limit = 5, windowMs = 30_000): boolean {
  let opened = -Infinity;
  let count = 0;
  for (const at of times) {
    if (at > opened + windowMs) {
      opened = at;
      count = 1;
    } else if (++count > limit) return true;
  }
  return false;
}

/** The most sends in any span of `windowMs`. */
function mostInAnyWindow(times: number[], windowMs = 30_000): number {
  return Math.max(0, ...times.map((start) => times.filter((at) => at >= start && at - start <= windowMs).length));
}

describe('PresenceThrottle', () => {
  let sent: { at: number; typing: boolean }[];
  let throttle: PresenceThrottle<boolean>;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new PresenceThrottle((typing) => sent.push({ at: Date.now(), typing }));
  });
  afterEach(() => vi.useRealTimers());

  it('sends at once while the budget lasts', () => {
    for (let i = 0; i < PRESENCE_TRACKS; i++) throttle.request(i % 2 === 0);
    expect(sent.map((s) => s.typing)).toEqual([true, false, true, false]);
    expect(throttle.pending).toBe(false);
  });

  it('holds what comes after, and sends only the latest state once a send leaves the window', () => {
    for (let i = 0; i < PRESENCE_TRACKS; i++) throttle.request(i % 2 === 0);
    vi.advanceTimersByTime(1_000);
    throttle.request(true);
    throttle.request(false);
    throttle.request(true);
    expect(sent).toHaveLength(PRESENCE_TRACKS);
    expect(throttle.pending).toBe(true);
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS);
    expect(sent).toHaveLength(PRESENCE_TRACKS + 1);
    expect(sent.at(-1)!.typing).toBe(true);
    expect(throttle.pending).toBe(false);
  });

  it('drops a held state that went back to what was last sent', () => {
    for (let i = 0; i < PRESENCE_TRACKS; i++) throttle.request(i % 2 === 0); // last sent: false
    throttle.request(true);
    throttle.request(false);
    expect(throttle.pending).toBe(false);
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS * 2);
    expect(sent).toHaveLength(PRESENCE_TRACKS);
  });

  it('never sends the same state twice in a row', () => {
    throttle.request(true);
    throttle.request(true);
    expect(sent).toHaveLength(1);
  });

  it('someone typing, stopping and starting for minutes never passes the limit, and ends in the right state', () => {
    // Bursts of on/off every 700 ms, a pause, more bursts — two minutes of it.
    for (let second = 0; second < 120; second++) {
      for (let step = 0; step < 3; step++) {
        if (second % 20 < 12) throttle.request((second * 3 + step) % 2 === 0);
        vi.advanceTimersByTime(333);
      }
      vi.advanceTimersByTime(1);
    }
    throttle.request(false);
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS);
    // The server's window may open at any of them; and a rejoin's own track is a sixth
    // message only if five of these fell within 30 s.
    expect(closesChannel(sent.map((s) => s.at))).toBe(false);
    expect(mostInAnyWindow(sent.map((s) => s.at))).toBeLessThanOrEqual(PRESENCE_TRACKS);
    expect(sent.length).toBeGreaterThan(PRESENCE_TRACKS);
    expect(sent.at(-1)!.typing).toBe(false);
  });

  it('a new channel starts a window of its own with the track its join carries, and drops what was held for the last one', () => {
    for (let i = 0; i < PRESENCE_TRACKS; i++) throttle.request(i % 2 === 0); // last sent: false
    throttle.request(true);
    expect(throttle.pending).toBe(true);
    throttle.restart(false);
    expect(throttle.pending).toBe(false);
    // The join's track and three more: four on the new channel.
    for (let i = 0; i < PRESENCE_TRACKS - 1; i++) throttle.request(i % 2 === 0);
    expect(sent).toHaveLength(PRESENCE_TRACKS * 2 - 1); // last sent: true
    throttle.request(false);
    expect(throttle.pending).toBe(true);
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS);
    expect(sent.at(-1)!.typing).toBe(false);
    expect(throttle.pending).toBe(false);
  });

  it('cancel: nothing held is sent once the channel is gone', () => {
    for (let i = 0; i < PRESENCE_TRACKS; i++) throttle.request(i % 2 === 0);
    throttle.request(true);
    throttle.cancel();
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS * 2);
    expect(sent).toHaveLength(PRESENCE_TRACKS);
  });
});
