/**
 * One WebSocket: Phoenix heartbeats, channel join/leave, token pushes, and broadcast between
 * the channels of a topic (reference §2.3–2.9). Messages of a socket are handled one at a
 * time, in order, so a token push never overtakes the join it follows.
 */
import type pg from 'pg';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { verifyToken, type StackKeys, type VerifiedClaims } from '../keys/index.ts';
import { echoBindings, resolveBindings } from './bindings.ts';
import type { Catalog } from './catalog.ts';
import { Channel } from './channel.ts';
import { decodeBinary, decodeText, encodeBinaryBroadcast, encodeText, type BroadcastFrame, type PhoenixMessage, type Vsn } from './protocol.ts';

export interface ConnectionContext {
  keys: StackKeys;
  pool: pg.Pool;
  catalog: Catalog;
  /** Every joined channel of every socket (dispatch and broadcast read it). */
  channels: Set<Channel>;
  log(line: string): void;
}

type Claims = VerifiedClaims & { role: string };

const joinSchema = z.object({
  config: z
    .object({
      broadcast: z.object({ self: z.boolean().optional(), ack: z.boolean().optional() }).optional(),
      presence: z.object({ enabled: z.boolean().optional() }).optional(),
      postgres_changes: z.array(z.record(z.string(), z.unknown())).optional(),
      private: z.boolean().optional(),
    })
    .optional(),
  access_token: z.string().nullable().optional(),
  user_token: z.string().nullable().optional(),
});
const tokenSchema = z.object({ access_token: z.string().nullable().optional() });
const textBroadcastSchema = z.object({ type: z.literal('broadcast'), event: z.string(), payload: z.unknown() });

export function handleConnection(ws: WebSocket, ctx: ConnectionContext, socket: { token: string; claims: Claims; vsn: Vsn }): void {
  const joined = new Map<string, Channel>();
  let queue = Promise.resolve();

  const send = (message: PhoenixMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeText(message, socket.vsn));
  };
  const reply = (m: PhoenixMessage, status: 'ok' | 'error', response: Record<string, unknown>) =>
    send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: 'phx_reply', payload: { status, response } });

  const remove = (channel: Channel, notify: boolean) => {
    channel.close(notify);
    ctx.channels.delete(channel);
    if (joined.get(channel.topic) === channel) joined.delete(channel.topic);
  };

  /** An `sb_` key or no token means: use the socket's token (§2.4). */
  const verify = async (token: string | null | undefined): Promise<{ token: string; claims: Claims }> => {
    if (!token || token.startsWith('sb_')) {
      if (typeof socket.claims.exp === 'number' && socket.claims.exp * 1000 <= Date.now()) throw new Error('Token has expired');
      return { token: socket.token, claims: socket.claims };
    }
    const claims = await verifyToken(ctx.keys, token);
    return { token, claims: { ...claims, role: String(claims.role) } };
  };

  const join = async (m: PhoenixMessage) => {
    const payload = joinSchema.safeParse(m.payload ?? {});
    if (!payload.success) return reply(m, 'error', { reason: 'Invalid join payload' });
    if (m.topic === 'realtime:' || !m.topic.startsWith('realtime:')) return reply(m, 'error', { reason: 'Topic name can not be empty' });
    const config = payload.data.config ?? {};
    let auth: { token: string; claims: Claims };
    try {
      auth = await verify(payload.data.access_token ?? payload.data.user_token);
    } catch (error) {
      return reply(m, 'error', { reason: `InvalidJWTToken: ${errorText(error)}` });
    }
    if (config.private) {
      // Private channels are authorised by realtime.messages policies, which this stand-in lacks.
      return reply(m, 'error', { reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${m.topic}` });
    }
    const entries = config.postgres_changes ?? [];
    const { bindings, errors } = await resolveBindings(ctx.pool, ctx.catalog, entries);
    const previous = joined.get(m.topic);
    if (previous) remove(previous, false);
    const channel = new Channel({
      topic: m.topic,
      joinRef: m.joinRef ?? m.ref ?? '',
      bindings,
      ...auth,
      broadcastSelf: config.broadcast?.self ?? false,
      broadcastAck: config.broadcast?.ack ?? false,
      send,
      sendBinary: socket.vsn === '2.0.0' ? (data) => ws.readyState === ws.OPEN && ws.send(data) : null,
      onExpired: (expired, secondsAgo) => {
        expired.system('system', 'error', `Token has expired ${secondsAgo} seconds ago`);
        remove(expired, true);
      },
    });
    // Registered before the reply: a change committed after SUBSCRIBED must reach it.
    joined.set(m.topic, channel);
    ctx.channels.add(channel);
    reply(m, 'ok', entries.length > 0 ? { postgres_changes: echoBindings(entries) } : {});
    if (config.presence?.enabled) channel.send('presence_state', {});
    if (entries.length === 0) return;
    if (errors.length > 0) for (const message of errors) channel.system('postgres_changes', 'error', message);
    else channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  };

  const updateToken = async (channel: Channel, m: PhoenixMessage) => {
    const payload = tokenSchema.safeParse(m.payload);
    const token = payload.success ? payload.data.access_token : null;
    if (!token || token.startsWith('sb_') || token === channel.token) return;
    try {
      const claims = await verifyToken(ctx.keys, token);
      channel.updateToken(token, { ...claims, role: String(claims.role) });
    } catch (error) {
      channel.system('system', 'error', `Invalid token: ${errorText(error)}`);
      remove(channel, true);
    }
  };

  /** Relays to every other channel of the topic (and the sender's own with `self`). */
  const broadcast = (from: Channel, frame: Pick<BroadcastFrame, 'event' | 'metadata' | 'encoding' | 'payload'>) => {
    const json = frame.encoding === 1 ? parseJson(frame.payload.toString('utf8')) : undefined;
    const binary = encodeBinaryBroadcast({ topic: from.topic, ...frame });
    const text = json ? { event: frame.event, payload: json.value } : undefined;
    for (const target of ctx.channels) {
      if (target.topic !== from.topic || (target === from && !from.broadcastSelf)) continue;
      target.sendBroadcast(binary, text);
    }
  };

  const handle = async (m: PhoenixMessage) => {
    if (m.topic === 'phoenix' && m.event === 'heartbeat') return reply(m, 'ok', {});
    if (m.event === 'phx_join') return join(m);
    const channel = joined.get(m.topic);
    if (!channel) {
      if (m.event !== 'access_token' && m.ref !== null) reply(m, 'error', { reason: 'unmatched topic' });
      return;
    }
    switch (m.event) {
      case 'phx_leave':
        reply(m, 'ok', {});
        return remove(channel, true);
      case 'access_token':
        return updateToken(channel, m);
      case 'presence':
        return reply(m, 'ok', {});
      case 'broadcast': {
        const parsed = textBroadcastSchema.safeParse(m.payload);
        if (parsed.success) {
          const payload = Buffer.from(JSON.stringify(parsed.data.payload ?? {}));
          broadcast(channel, { event: parsed.data.event, metadata: '', encoding: 1, payload });
        }
        if (channel.broadcastAck && m.ref !== null) reply(m, 'ok', {});
        return;
      }
      default:
        if (m.ref !== null) reply(m, 'ok', {});
    }
  };

  const handleBinary = (data: Buffer) => {
    const frame = decodeBinary(data);
    const channel = frame ? joined.get(frame.topic) : undefined;
    if (!frame || !channel) return; // tolerated, ignored
    broadcast(channel, frame);
    if (channel.broadcastAck && frame.ref !== null) {
      send({ joinRef: frame.joinRef, ref: frame.ref, topic: frame.topic, event: 'phx_reply', payload: { status: 'ok', response: {} } });
    }
  };

  ws.on('message', (data, isBinary) => {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    queue = queue
      .then(async () => {
        if (isBinary) return handleBinary(buffer);
        const message = decodeText(buffer.toString('utf8'), socket.vsn);
        if (message) await handle(message);
      })
      .catch((error: unknown) => ctx.log(`realtime: message handling failed: ${errorText(error)}`));
  });
  ws.on('close', () => {
    for (const channel of [...joined.values()]) remove(channel, false);
  });
  ws.on('error', () => ws.terminate());

}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
