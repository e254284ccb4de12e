// Subscribing a component to postgres_changes: joins with the user's token (RLS on the
// server decides which rows arrive) and returns a cleanup for $effect.
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
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
 * callers re-read what they show.
 */
export function watchTables(channelName: string, watches: TableWatch[], onJoined: () => void = () => {}): () => void {
  let stopped = false;
  let cleanup = () => {};
  void realtimeReady().then((supabase) => {
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
      if (status === 'SUBSCRIBED' && !stopped) onJoined();
    });
    cleanup = () => void supabase.removeChannel(channel);
  });
  return () => {
    stopped = true;
    cleanup();
  };
}
