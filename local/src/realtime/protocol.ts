/**
 * Phoenix framing as realtime-js speaks it (https://supabase.com/docs/guides/realtime/protocol): v2 JSON arrays
 * `[join_ref, ref, topic, event, payload]`, v1 JSON objects, and the binary user-broadcast
 * frames (kind 3 in from the client, kind 4 out to clients).
 */
import { z } from 'zod';

export type Vsn = '1.0.0' | '2.0.0';

export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

const ref = z.union([z.string(), z.number().transform(String)]).nullable().optional().transform((v) => v ?? null);
const v2Frame = z.tuple([ref, ref, z.string(), z.string(), z.unknown()]);
const v1Frame = z.object({ join_ref: ref, ref, topic: z.string(), event: z.string(), payload: z.unknown() });

/** Parses a text frame; null when it is not a Phoenix message (the frame is then ignored). */
export function decodeText(text: string, vsn: Vsn): PhoenixMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (vsn === '2.0.0') {
    const frame = v2Frame.safeParse(json);
    if (!frame.success) return null;
    const [joinRef, msgRef, topic, event, payload] = frame.data;
    return { joinRef, ref: msgRef, topic, event, payload };
  }
  const frame = v1Frame.safeParse(json);
  if (!frame.success) return null;
  return { joinRef: frame.data.join_ref, ref: frame.data.ref, topic: frame.data.topic, event: frame.data.event, payload: frame.data.payload };
}

export function encodeText(message: PhoenixMessage, vsn: Vsn): string {
  if (vsn === '2.0.0') return JSON.stringify([message.joinRef, message.ref, message.topic, message.event, message.payload]);
  return JSON.stringify({
    join_ref: message.joinRef,
    ref: message.ref,
    topic: message.topic,
    event: message.event,
    payload: message.payload,
  });
}

/** A user broadcast as it travels between clients; the payload stays in its wire bytes. */
export interface BroadcastFrame {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** JSON object text of the allowed metadata keys, or '' when none. */
  metadata: string;
  /** 1 = JSON, 0 = raw bytes. */
  encoding: 0 | 1;
  payload: Buffer;
}

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;

/** Decodes a kind=3 frame; null for any other kind or a truncated frame. */
export function decodeBinary(data: Buffer): BroadcastFrame | null {
  if (data.length < 7 || data[0] !== USER_BROADCAST_PUSH) return null;
  const lengths = [data[1], data[2], data[3], data[4], data[5]];
  const encoding = data[6];
  if (encoding !== 0 && encoding !== 1) return null;
  let offset = 7;
  const parts: string[] = [];
  for (const length of lengths) {
    if (offset + length > data.length) return null;
    parts.push(data.subarray(offset, offset + length).toString('utf8'));
    offset += length;
  }
  const [joinRef, msgRef, topic, event, metadata] = parts;
  return {
    joinRef: joinRef || null,
    ref: msgRef || null,
    topic,
    event,
    metadata,
    encoding,
    payload: Buffer.from(data.subarray(offset)),
  };
}

/**
 * Encodes the kind=4 frame realtime-js turns into `{type:'broadcast', event, payload, meta?}`.
 * Throws when the topic, event or metadata is longer than 255 bytes (a length is one byte), as
 * hosted's V2Serializer raises (lib/realtime_web/socket/v2_serializer.ex); callers catch it per
 * message (topics.ts).
 */
export function encodeBinaryBroadcast(frame: Pick<BroadcastFrame, 'topic' | 'event' | 'metadata' | 'encoding' | 'payload'>): Buffer {
  const topic = Buffer.from(frame.topic);
  const event = Buffer.from(frame.event);
  const metadata = Buffer.from(frame.metadata);
  for (const [kind, field] of [['topic', topic], ['event', event], ['metadata', metadata]] as const) {
    if (field.length > 255) throw new Error(`broadcast header field too long: ${kind} must be at most 255 bytes, but is ${field.length} bytes`);
  }
  const header = Buffer.from([USER_BROADCAST, topic.length, event.length, metadata.length, frame.encoding]);
  return Buffer.concat([header, topic, event, metadata, frame.payload]);
}
