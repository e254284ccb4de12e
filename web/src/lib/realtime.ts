// Subscribing a component to postgres_changes: joins with the user's token (RLS on the
// server decides which rows arrive) and returns a cleanup for $effect.
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { realtimeStatus } from '$lib/realtime-status.svelte';
import { realtimeReady } from '$lib/supabase';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

export interface TableWatch {
  table: string;
  event?: 'INSERT' | 'UPDATE' | 'DELETE' | '*';
  filter: string;
  onChange: (change: Change) => void;
}

/**
 * Use inside $effect: `$effect(() => watchTables('name', [...]))`. `onJoined` runs each time
 * the channel is (re)subscribed: changes made before that moment were not delivered, so
 * callers re-read what they show. A drop (CHANNEL_ERROR, TIMED_OUT) is reported to
 * realtimeStatus while realtime-js rejoins by itself; a channel the server CLOSED is
 * subscribed again, with growing pauses (1 s … 30 s).
 */
export function watchTables(channelName: string, watches: TableWatch[], onJoined: () => void = () => {}): () => void {
  let stopped = false;
  let cleanup = () => {};
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  void realtimeReady().then((supabase) => {
    const join = () => {
      if (stopped) return;
      let channel = supabase.channel(channelName);
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
      channel.subscribe((status) => {
        if (stopped) return;
        if (status === 'SUBSCRIBED') {
          attempt = 0;
          realtimeStatus.joined(channelName);
          onJoined();
        } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
          realtimeStatus.dropped(channelName);
        } else if (status === 'CLOSED') {
          // Not ours (cleanup sets `stopped` first): the server ended it; join a fresh one.
          realtimeStatus.dropped(channelName);
          void supabase.removeChannel(channel);
          retry = setTimeout(join, Math.min(30_000, 1000 * 2 ** attempt++));
        }
      });
      cleanup = () => void supabase.removeChannel(channel);
    };
    join();
  });
  return () => {
    stopped = true;
    clearTimeout(retry);
    realtimeStatus.forget(channelName);
    cleanup();
  };
}
