/**
 * Who is joined to which topic, and fan-out to them. As on hosted Realtime a public and a
 * private channel of the same name are different topics (`Tenants.tenant_topic/3`): a
 * broadcast sent to the private `session:1` never reaches a public `session:1` joiner.
 *
 * A message is encoded once per wire format (v1 text, v2 text, v2 binary), not per
 * subscriber, and handed to each socket as is: permissions were settled at join.
 *
 * A message that cannot be encoded for one format (the v2 binary frame keeps topic, event and
 * metadata to 255 bytes each) is not sent to that format's members and is logged, at most once
 * a minute; the others still get it. Hosted's V2Serializer raises on such a field
 * (lib/realtime_web/socket/v2_serializer.ex `byte_size!`), so those subscribers get nothing
 * there either, and its ReplicationConnection logs `UnableToBroadcastChanges` and carries on
 * (lib/realtime/tenants/replication_connection.ex): a deterministic per-message error never
 * fails the caller (the replication stream, a REST request).
 */
import { throttledLog } from './limits.ts';
import { encodeBinaryBroadcast, encodeText, type Vsn } from './protocol.ts';

/** What fan-out needs from a joined channel. */
export interface TopicMember {
  /** `realtime:<name>`, as the client joined it. */
  readonly topic: string;
  readonly isPrivate: boolean;
  readonly vsn: Vsn;
  /** Private channels: may receive broadcasts (RLS select with extension 'broadcast'). */
  canReadBroadcast(): boolean;
  /** Private channels: may receive presence (RLS select with extension 'presence'). */
  canReadPresence(): boolean;
  /** Sends an encoded frame unless the channel has closed. */
  deliver(frame: string | Buffer): void;
}

export function topicKey(name: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${name}`;
}

/** A broadcast as it travels: JSON (REST, text frames) or wire bytes (binary frames, database). */
export interface OutgoingBroadcast {
  event: string;
  /** The payload as JSON value (for text frames), when known. */
  json?: { value: unknown };
  /** The payload bytes and their encoding (1 = JSON text, 0 = raw), when known. */
  bytes?: { encoding: 0 | 1; data: Buffer };
  /** Sent as `meta` (text) or binary metadata, e.g. `{id}` for messages from the database. */
  meta?: Record<string, unknown>;
  /** Binary-born (user broadcast): v2 sockets get a kind=4 frame, as hosted's UserBroadcast. */
  binary: boolean;
}

export class TopicRegistry {
  private members = new Map<string, Set<TopicMember>>();
  private logEncodeFailure: (line: string) => void;

  constructor(log: (line: string) => void = () => {}) {
    this.logEncodeFailure = throttledLog(log);
  }

  add(name: string, member: TopicMember): void {
    const key = topicKey(name, member.isPrivate);
    let set = this.members.get(key);
    if (!set) this.members.set(key, (set = new Set()));
    set.add(member);
  }

  remove(name: string, member: TopicMember): void {
    const key = topicKey(name, member.isPrivate);
    const set = this.members.get(key);
    if (!set) return;
    set.delete(member);
    if (set.size === 0) this.members.delete(key);
  }

  membersOf(name: string, isPrivate: boolean): Iterable<TopicMember> {
    return this.members.get(topicKey(name, isPrivate)) ?? [];
  }

  /** Sends a broadcast to every reader of the topic except `exclude` (the sender without `self`). */
  broadcast(name: string, isPrivate: boolean, message: OutgoingBroadcast, exclude?: TopicMember): number {
    const cache = new Map<string, string | Buffer | null>();
    let sent = 0;
    for (const member of this.membersOf(name, isPrivate)) {
      if (member === exclude || (isPrivate && !member.canReadBroadcast())) continue;
      const format = member.vsn === '2.0.0' && message.binary && message.bytes ? 'bin' : member.vsn;
      let frame = cache.get(format);
      if (frame === undefined) {
        frame = this.encode(member.topic, message, format);
        cache.set(format, frame);
      }
      if (frame === null) continue; // raw bytes cannot travel in a text frame (hosted drops them too), or unencodable
      member.deliver(frame);
      sent++;
    }
    return sent;
  }

  /** The frame, or null when this format cannot carry the message (logged, throttled). */
  private encode(topic: string, message: OutgoingBroadcast, format: Vsn | 'bin'): string | Buffer | null {
    try {
      return encodeBroadcast(topic, message, format);
    } catch (error) {
      this.logEncodeFailure(
        `realtime: broadcast "${message.event.slice(0, 64)}" on ${topic.slice(0, 128)} not sent to ${format === 'bin' ? 'v2' : format} clients: ` +
          (error instanceof Error ? error.message : String(error)),
      );
      return null;
    }
  }

  /** Sends `event` with `payload` (null refs) to every presence reader of the topic. */
  presence(name: string, isPrivate: boolean, event: string, payload: unknown): void {
    const cache = new Map<Vsn, string>();
    for (const member of this.membersOf(name, isPrivate)) {
      if (isPrivate && !member.canReadPresence()) continue;
      let frame = cache.get(member.vsn);
      if (frame === undefined) {
        frame = encodeText({ joinRef: null, ref: null, topic: member.topic, event, payload }, member.vsn);
        cache.set(member.vsn, frame);
      }
      member.deliver(frame);
    }
  }
}

function encodeBroadcast(topic: string, message: OutgoingBroadcast, format: Vsn | 'bin'): string | Buffer | null {
  if (format === 'bin' && message.bytes) {
    return encodeBinaryBroadcast({
      topic,
      event: message.event,
      metadata: message.meta ? JSON.stringify(message.meta) : '',
      encoding: message.bytes.encoding,
      payload: message.bytes.data,
    });
  }
  if (!message.json && message.bytes?.encoding === 0) return null;
  const value = message.json ? message.json.value : parseBytes(message.bytes);
  const payload: Record<string, unknown> = { type: 'broadcast', event: message.event, payload: value };
  if (message.meta) payload.meta = message.meta;
  return encodeText({ joinRef: null, ref: null, topic, event: 'broadcast', payload }, format === 'bin' ? '2.0.0' : format);
}

function parseBytes(bytes: OutgoingBroadcast['bytes']): unknown {
  if (!bytes) return {};
  try {
    return JSON.parse(bytes.data.toString('utf8')) as unknown;
  } catch {
    return {};
  }
}
