/**
 * Broadcast from the database (https://supabase.com/docs/guides/realtime/broadcast#broadcast-from-the-database):
 * rows that `realtime.send()` / `realtime.broadcast_changes()` insert into `realtime.messages`
 * reach the service through the replication stream (publication
 * `supabase_realtime_messages_publication`) and go out like hosted's ReplicationConnection
 * sends them: a user broadcast with metadata `{id}`, to the private or public topic.
 * The policies were checked by the insert itself (realtime.send runs as its caller).
 */
import type { RowChange } from './replication.ts';
import type { TopicRegistry } from './topics.ts';

export function isMessagesChange(change: RowChange): boolean {
  return change.relation.schema === 'realtime' && /^messages(_\d{4}_\d{2}_\d{2})?$/.test(change.relation.table);
}

export function broadcastInserted(topics: TopicRegistry, change: RowChange): void {
  const row = change.record;
  if (change.type !== 'INSERT' || !row || row.extension !== 'broadcast') return;
  const { topic, event, id } = row;
  if (!topic || !event || !id) return;
  let bytes: { encoding: 0 | 1; data: Buffer };
  if (row.payload !== null && row.payload !== undefined) bytes = { encoding: 1, data: Buffer.from(row.payload, 'utf8') };
  else if (row.binary_payload) bytes = { encoding: 0, data: Buffer.from(row.binary_payload.replace(/^\\x/, ''), 'hex') };
  else return;
  topics.broadcast(topic, row.private === 't', { event, bytes, meta: { id }, binary: true });
}
