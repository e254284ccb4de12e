// Joining one Realtime channel and keeping it joined: the part of lib/realtime.ts that needs no
// SvelteKit ($lib, runes), so the contract tests run it against the local stack as the app does.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';

/** Where a channel's state is reported (lib/realtime-status.svelte.ts in the app). */
export interface JoinReporter {
  joined(name: string): void;
  dropped(name: string): void;
  forget(name: string): void;
}

export interface JoinOptions {
  private?: boolean;
  presenceKey?: string;
}

/**
 * Joins `name` once `ready` gives the client (with the user's token set); `onJoined` runs on
 * every (re)subscribe. A drop (CHANNEL_ERROR, TIMED_OUT) is reported while realtime-js rejoins
 * by itself; a channel the server CLOSED (access re-checked, token refused) is subscribed again
 * as a fresh channel, with growing pauses (1 s … 30 s). Returns the cleanup for $effect.
 *
 * Leaving a closed channel (`removeChannel`) closes it again, which calls the subscribe
 * callback again from inside itself: the old channel is removed outside the callback, once,
 * and its later callbacks are ignored. Otherwise each CLOSED re-entered removeChannel until the
 * stack overflowed, sending a `phx_leave` and scheduling a rejoin per level; those rejoins found
 * the new channel (one per topic) and added their handlers to it again, so one broadcast ran
 * its handler several times.
 * (https://supabase.com/docs/reference/javascript/removechannel)
 */
export function joinChannel(
  ready: Promise<SupabaseClient>,
  name: string,
  options: JoinOptions,
  setup: (channel: RealtimeChannel) => RealtimeChannel,
  onJoined: (channel: RealtimeChannel) => void,
  report: JoinReporter,
): () => void {
  let stopped = false;
  let current: RealtimeChannel | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let client: SupabaseClient | null = null;
  const subscribe = () => {
    if (stopped || !client) return;
    const supabase = client;
    const config = { ...(options.private ? { private: true } : {}), ...(options.presenceKey ? { presence: { key: options.presenceKey } } : {}) };
    const channel = setup(supabase.channel(name, Object.keys(config).length ? { config } : undefined));
    current = channel;
    channel.subscribe((status) => {
      // Cleanup sets `stopped` first; a replaced channel's late callbacks are not ours.
      if (stopped || channel !== current) return;
      if (status === 'SUBSCRIBED') {
        attempt = 0;
        report.joined(name);
        onJoined(channel);
      } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        report.dropped(name);
      } else if (status === 'CLOSED') {
        // The server ended it: a fresh channel joins later.
        current = null;
        report.dropped(name);
        setTimeout(() => void supabase.removeChannel(channel), 0);
        retry = setTimeout(subscribe, Math.min(30_000, 1000 * 2 ** attempt++));
      }
    });
  };
  void ready.then((supabase) => {
    client = supabase;
    subscribe();
  });
  return () => {
    stopped = true;
    clearTimeout(retry);
    report.forget(name);
    if (current && client) void client.removeChannel(current);
    current = null;
  };
}
