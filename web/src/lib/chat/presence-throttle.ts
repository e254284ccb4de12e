// Keeping one's own presence tracks under Realtime's presence limit: 5 presence messages per
// 30 s per channel, after which the channel is closed with "Client presence rate limit exceeded"
// (hosted Realtime's realtime_channel.ex `assign_client_presence_rate_limit`, a window that
// starts with the first message; https://supabase.com/docs/guides/realtime/limits; the local
// stack's local/src/realtime/limits.ts enforces the same). Typing on and off sends a track each
// time, so without a bound three rounds in 30 s closed the person's channel.
//
// At most `max` sends in any `windowMs` on one channel (a sliding window, which also keeps any
// fixed window the server counts under the limit); a value asked for while the budget is spent
// waits, replaced by newer ones, and goes out once a send leaves the window — so the last state
// always arrives.

/** Sends in any window: one under hosted's 5, left for the track realtime-js sends on a rejoin. */
export const PRESENCE_TRACKS = 4;
/** Hosted's 30 s, plus 2 s for tracks that reach the server closer together than they were sent. */
export const PRESENCE_WINDOW_MS = 32_000;

export class PresenceThrottle<T> {
  /** When each send still in the window went out, oldest first. */
  private sent: number[] = [];
  private last: { value: T } | null = null;
  private waiting: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (value: T) => void,
    private readonly max = PRESENCE_TRACKS,
    private readonly windowMs = PRESENCE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends `value` now if the budget allows, else once it does (unless a newer value replaces
   * it). A value equal to the last one sent is not sent again. */
  request(value: T): void {
    this.waiting = { value };
    this.flush();
  }

  /** A new channel, joining with `value`: Realtime counts per channel, so its window starts
   * with that one track; nothing waiting for the last channel is sent on this one. */
  restart(value: T): void {
    this.cancel();
    this.sent = [this.now()];
    this.last = { value };
  }

  /** Drops a value still waiting (the channel is gone). Sends already made stay counted. */
  cancel(): void {
    this.waiting = null;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether a value is waiting for the budget. */
  get pending(): boolean {
    return this.waiting !== null;
  }

  private flush(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.last && Object.is(this.last.value, waiting.value)) {
      this.cancel();
      return;
    }
    const now = this.now();
    this.sent = this.sent.filter((at) => now - at < this.windowMs);
    if (this.sent.length < this.max) {
      this.cancel();
      this.sent.push(now);
      this.last = waiting;
      this.send(waiting.value);
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.sent[0]! + this.windowMs - now);
  }
}
