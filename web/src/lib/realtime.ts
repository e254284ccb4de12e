// Subscribing a component to Realtime: postgres_changes on tables (RLS on the server decides
// which rows arrive) and Broadcast on private channels (RLS on realtime.messages decides who
// may join). Both join with the user's token and return a cleanup for $effect.
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { realtimeStatus } from '$lib/realtime-status.svelte';
import { joinChannel, type JoinOptions } from '$lib/realtime-join';
import { realtimeReady } from '$lib/supabase';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

export interface TableWatch {
  table: string;
  event?: 'INSERT' | 'UPDATE' | 'DELETE' | '*';
  filter: string;
  onChange: (change: Change) => void;
}

/** Joins a channel once the token is set (lib/realtime-join.ts), reporting to realtimeStatus. */
function join(
  name: string,
  options: JoinOptions,
  setup: (channel: RealtimeChannel) => RealtimeChannel,
  onJoined: (channel: RealtimeChannel) => void,
): () => void {
  return joinChannel(realtimeReady(), name, options, setup, onJoined, realtimeStatus);
}

/**
 * Use inside $effect: `$effect(() => watchTables('name', [...]))`. `onJoined` runs each time
 * the channel is (re)subscribed: changes made before that moment were not delivered, so
 * callers re-read what they show.
 */
export function watchTables(channelName: string, watches: TableWatch[], onJoined: () => void = () => {}): () => void {
  return join(channelName, {}, (channel) => {
    for (const watch of watches) {
      const event = watch.event ?? '*';
      // Realtime matches a DELETE only on the primary key (a deleted row is not RLS-checked,
      // so other columns could leak): deletes come from an unfiltered binding, carrying the
      // key alone, and callers drop the ids they do not show.
      channel = channel.on(
        'postgres_changes',
        { event, schema: 'public', table: watch.table, filter: watch.filter },
        (change: Change) => {
          if (change.eventType !== 'DELETE') watch.onChange(change);
        },
      );
      if (event === '*' || event === 'DELETE') {
        channel = channel.on('postgres_changes', { event: 'DELETE', schema: 'public', table: watch.table }, (change: Change) =>
          watch.onChange(change),
        );
      }
    }
    return channel;
  }, onJoined);
}

/**
 * Broadcast events of a private channel (Supabase Realtime Authorization: the server checks
 * the RLS policies on realtime.messages for the user's token when the channel joins).
 * Messages sent while the channel was not joined are not replayed: `onJoined` re-reads.
 */
export function watchBroadcast(topic: string, events: Record<string, (payload: unknown) => void>, onJoined: () => void = () => {}): () => void {
  return watchPrivateChannel(topic, events, onJoined).stop;
}

/** Presence on a private channel: who is there (by key) and what each shares (e.g. typing). */
export interface PresenceWatch {
  /** This client's key: the user's id, so several tabs of one person count once. */
  key: string;
  /** Everyone present, by key, after every join, leave and update. */
  onSync: (state: Record<string, Record<string, unknown>[]>) => void;
}

/**
 * A private channel's broadcasts and, optionally, its Presence (Supabase Realtime Presence:
 * channel.track() publishes this client's state; RLS on realtime.messages with extension
 * 'presence' decides who may see and publish). realtime-js keeps one channel per topic, so
 * one call owns the topic. `track` publishes (again after every rejoin) the latest state.
 */
export function watchPrivateChannel(
  topic: string,
  events: Record<string, (payload: unknown) => void>,
  onJoined: () => void = () => {},
  presence?: PresenceWatch,
): { stop: () => void; track: (state: Record<string, unknown>) => void } {
  let current: RealtimeChannel | null = null;
  let latest: Record<string, unknown> | null = null;
  const publish = () => {
    if (current && latest) void current.track(latest).catch(() => {});
  };
  const stop = join(topic, { private: true, presenceKey: presence?.key }, (channel) => {
    for (const [event, handle] of Object.entries(events)) {
      channel = channel.on('broadcast', { event }, (message: { payload?: unknown }) => handle(message.payload));
    }
    if (presence) channel = channel.on('presence', { event: 'sync' }, () => presence.onSync(channel.presenceState()));
    return channel;
  }, (channel) => {
    current = channel;
    publish();
    onJoined();
  });
  return {
    stop() {
      current = null;
      stop();
    },
    track(state) {
      latest = state;
      publish();
    },
  };
}
