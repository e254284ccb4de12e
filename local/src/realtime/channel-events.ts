/**
 * What a joined client sends on its channel: `broadcast` (binary frame or text) and
 * `presence` track/untrack, with hosted Realtime's rules (BroadcastHandler, PresenceHandler):
 * - broadcast reaches every reader of the topic, the sender too only with `broadcast.self`;
 *   with `broadcast.ack` the push is answered `ok`. On a private channel the sender needs the
 *   write policy (checked once per token); a refused broadcast is dropped without a reply. One
 *   over the payload size (limits.ts) is not sent; with `ack` it is answered with hosted's
 *   `payload_size_exceeded` error.
 * - presence: `track` enters or updates the channel's entry under its presence key and
 *   sends `presence_diff` to the topic; `untrack` removes it. A private channel needs the
 *   presence write policy; refused tracks are answered with an error. The presence key and
 *   payload are taken as the client sends them, as hosted does: only the topic is held to the
 *   policies (https://supabase.com/docs/guides/realtime/authorization), so an app that needs
 *   to know who is present names them by topic (web/src/lib/chat/person-presence.ts).
 *   Presence pushes are rate-limited per channel and tracks bounded in size (limits.ts); past
 *   either, the channel is shut down with hosted's message.
 */
import { z } from 'zod';
import type { Channel } from './channel.ts';
import { ensurePresenceRead, ensureWrite, sendPresenceDiff, type Hub } from './hub.ts';
import { PAYLOAD_SIZE_EXCEEDED, PRESENCE_RATE_EXCEEDED, TRACK_TOO_LARGE, payloadTooLarge } from './limits.ts';
import type { BroadcastFrame } from './protocol.ts';
import { topicKey, type OutgoingBroadcast } from './topics.ts';

const textBroadcastSchema = z.object({ type: z.literal('broadcast'), event: z.string(), payload: z.unknown() });
const presenceSchema = z.object({ type: z.literal('presence').optional(), event: z.string(), payload: z.unknown().optional() });

/** true: the client gets an `ok` reply (ack); PAYLOAD_SIZE_EXCEEDED: hosted's error reply; false: none. */
export type BroadcastAck = boolean | typeof PAYLOAD_SIZE_EXCEEDED;

/**
 * Sends a client's broadcast, in hosted BroadcastHandler's order: the write policy (private
 * channels), then the size of the push's payload (`payloadBytes`), then the send.
 */
export async function clientBroadcast(hub: Hub, channel: Channel, message: OutgoingBroadcast, payloadBytes: number): Promise<BroadcastAck> {
  if (channel.isPrivate && !(await ensureWrite(hub, channel, 'broadcast'))) return false;
  if (channel.isClosed) return false;
  if (payloadTooLarge(hub.limits, payloadBytes)) {
    hub.log(`realtime: PayloadSizeExceeded: a broadcast of ${payloadBytes} bytes on ${channel.name} was not sent`);
    return channel.broadcastAck && PAYLOAD_SIZE_EXCEEDED;
  }
  hub.topics.broadcast(channel.name, channel.isPrivate, message, channel.broadcastSelf ? undefined : channel);
  return channel.broadcastAck;
}

/** A kind=3 binary push, relayed as a kind=4 frame (metadata is not forwarded, as hosted). */
export function fromBinary(frame: BroadcastFrame): OutgoingBroadcast {
  return { event: frame.event, bytes: { encoding: frame.encoding, data: frame.payload }, binary: true };
}

/** A text `broadcast` push (v1 sockets, or v2 clients that send text); null when malformed. */
export function fromText(payload: unknown): OutgoingBroadcast | null {
  const parsed = textBroadcastSchema.safeParse(payload);
  if (!parsed.success) return null;
  return { event: parsed.data.event, json: { value: parsed.data.payload ?? {} }, binary: false };
}

/** A reply to the push, a shutdown of the channel with hosted's message, or nothing. */
export type PresenceReply = { status: 'ok' | 'error'; response: Record<string, unknown> } | { shutdown: string } | null;

export async function clientPresence(hub: Hub, channel: Channel, payload: unknown): Promise<PresenceReply> {
  const parsed = presenceSchema.safeParse(payload);
  if (!parsed.success) return null; // hosted ignores a presence push without an event
  // Every presence push counts, whatever it asks (hosted PresenceHandler.handle → limit_client_presence_event).
  if (!channel.presenceWindow.take()) {
    hub.log(`realtime: ClientPresenceRateLimitReached on ${channel.name}`);
    return { shutdown: PRESENCE_RATE_EXCEEDED };
  }
  const key = topicKey(channel.name, channel.isPrivate);
  switch (parsed.data.event.toLowerCase()) {
    case 'track': {
      const meta = parsed.data.payload ?? {};
      if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
        return { status: 'error', response: { reason: 'Presence track payload must be a map' } };
      }
      if (channel.isPrivate) {
        await ensurePresenceRead(hub, channel);
        if (!(await ensureWrite(hub, channel, 'presence'))) return { status: 'error', response: {} };
      }
      if (channel.isClosed) return null;
      // Hosted validate_payload_size, and (local) all that the socket's channels hold.
      const json = JSON.stringify(meta);
      const bytes = Buffer.byteLength(json);
      const usage = channel.usage;
      if (payloadTooLarge(hub.limits, bytes) || usage.held - channel.presenceBytes + bytes > hub.limits.maxSocketHeldBytes) {
        return { shutdown: TRACK_TOO_LARGE };
      }
      channel.presenceEnabled = true;
      const diff = hub.presence.track(key, channel, channel.presenceKey, meta as Record<string, unknown>, json);
      usage.held += bytes - channel.presenceBytes;
      channel.presenceBytes = bytes;
      if (diff) sendPresenceDiff(hub, channel, diff);
      return { status: 'ok', response: {} };
    }
    case 'untrack': {
      const diff = hub.presence.untrack(key, channel);
      channel.usage.held -= channel.presenceBytes;
      channel.presenceBytes = 0;
      if (diff) sendPresenceDiff(hub, channel, diff);
      return { status: 'ok', response: {} };
    }
    default:
      return { status: 'error', response: {} };
  }
}
