// Whether Realtime is delivering: channels report here (lib/realtime.ts), <ConnectionBanner>
// shows "Reconnecting…" while any is down and says when live updates are back.
import { SvelteSet } from 'svelte/reactivity';

class RealtimeStatus {
  /** Channels that dropped (CHANNEL_ERROR, TIMED_OUT or an unexpected CLOSED) and have not rejoined. */
  readonly down = new SvelteSet<string>();

  get reconnecting(): boolean {
    return this.down.size > 0;
  }

  dropped(channel: string): void {
    this.down.add(channel);
  }

  joined(channel: string): void {
    this.down.delete(channel);
  }

  /** A channel the page no longer needs (navigated away) is not "down". */
  forget(channel: string): void {
    this.down.delete(channel);
  }
}

export const realtimeStatus = new RealtimeStatus();
