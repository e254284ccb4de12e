/**
 * `phx_join` and `access_token` for one channel, as hosted `RealtimeChannel.join/3` and its
 * `access_token` handler do: verify the token, authorise a private channel against the RLS
 * policies of `realtime.messages` (once, here; never per message), resolve the
 * postgres_changes bindings, then reply and send the presence state.
 * Error reasons and system messages use the hosted server's wording.
 */
import { z } from 'zod';
import { authorizeRead, isPolicyError, subTopic, type Extension, type Permissions } from './authorization.ts';
import { echoBindings, resolveBindings } from './bindings.ts';
import { Channel, type Claims } from './channel.ts';
import { attach, contextOf, type Hub } from './hub.ts';
import type { SocketUsage } from './limits.ts';
import { presenceKeyOf } from './presence.ts';
import { encodeText, type PhoenixMessage, type Vsn } from './protocol.ts';
import { topicKey } from './topics.ts';

const joinSchema = z.object({
  config: z
    .object({
      broadcast: z.object({ self: z.boolean().optional(), ack: z.boolean().optional() }).passthrough().optional(),
      presence: z.object({ enabled: z.boolean().optional(), key: z.unknown().optional() }).passthrough().optional(),
      postgres_changes: z.array(z.record(z.string(), z.unknown())).optional(),
      private: z.boolean().optional(),
    })
    .passthrough()
    .optional(),
  access_token: z.string().nullable().optional(),
  user_token: z.string().nullable().optional(),
});
const tokenSchema = z.object({ access_token: z.string().nullable().optional() });

export interface SocketAuth {
  token: string;
  claims: Claims;
  vsn: Vsn;
}

/** A socket as its channels see it: its token, and what its channels hold (limits.ts). */
export interface SocketState extends SocketAuth {
  usage: SocketUsage;
}

export interface JoinIo {
  send(message: PhoenixMessage): void;
  sendRaw(frame: string | Buffer): void;
  /** Closes the channel the way its owner does (token expired, access revoked). */
  shutdown(channel: Channel, message: string): void;
}

export type JoinResult = { channel: Channel; reply: Record<string, unknown>; after(): void } | { reason: string };

/** An `sb_` key or no token means: use the socket's token (realtime-js sends the publishable key until it has a session). */
async function verify(hub: Hub, socket: SocketAuth, token: string | null | undefined): Promise<{ token: string; claims: Claims }> {
  if (!token || token.startsWith('sb_')) {
    if (typeof socket.claims.exp === 'number' && socket.claims.exp * 1000 <= Date.now()) throw new Error('Token has expired');
    return { token: socket.token, claims: socket.claims };
  }
  const claims = await hub.verify(token);
  return { token, claims: { ...claims, role: String(claims.role) } };
}

const unauthorized = (name: string) => `You do not have permissions to read from this Channel topic: ${name}`;

/** Read permissions of a private topic; throws only when the database is unreachable. */
async function readPermissions(hub: Hub, context: { topic: string; role: string; claims: Record<string, unknown> }, presence: boolean): Promise<Permissions> {
  const extensions: Extension[] = presence ? ['broadcast', 'presence'] : ['broadcast'];
  try {
    return await authorizeRead(hub.pool, context, extensions);
  } catch (error) {
    // A policy that raises is a refusal (hosted: RlsPolicyError → Unauthorized).
    if (isPolicyError(error)) {
      hub.log(`realtime: read policy check on ${context.topic} failed: ${(error as Error).message}`);
      return {};
    }
    throw error;
  }
}

/** `bytes`: the size of the join message, which the channel holds while joined. */
export async function joinChannel(hub: Hub, socket: SocketState, io: JoinIo, m: PhoenixMessage, bytes: number): Promise<JoinResult> {
  const payload = joinSchema.safeParse(m.payload ?? {});
  if (!payload.success) return { reason: 'InvalidJoinPayload: Invalid join payload' };
  if (m.topic === 'realtime:' || !m.topic.startsWith('realtime:')) return { reason: 'TopicNameRequired: You must provide a topic name' };
  const config = payload.data.config ?? {};
  const name = subTopic(m.topic);
  let auth: { token: string; claims: Claims };
  try {
    auth = await verify(hub, socket, payload.data.access_token ?? payload.data.user_token);
  } catch (error) {
    return { reason: `InvalidJWTToken: ${error instanceof Error ? error.message : String(error)}` };
  }
  const isPrivate = config.private === true;
  const presenceEnabled = config.presence?.enabled === true;
  let read: Permissions = {};
  if (isPrivate) {
    try {
      read = await readPermissions(hub, { topic: name, role: auth.claims.role, claims: auth.claims }, presenceEnabled);
    } catch {
      return { reason: 'UnableToConnectToProject: Realtime was unable to connect to the project database' };
    }
    if (!read.broadcast && !read.presence) return { reason: `Unauthorized: ${unauthorized(name)}` };
  }
  const entries = config.postgres_changes ?? [];
  const { bindings, errors } = await resolveBindings(hub.pool, hub.catalog, auth.claims.role, entries);
  const channel = new Channel({
    topic: m.topic,
    joinRef: m.joinRef ?? m.ref ?? '',
    vsn: socket.vsn,
    bindings,
    ...auth,
    broadcastSelf: config.broadcast?.self ?? false,
    broadcastAck: config.broadcast?.ack ?? false,
    presenceKey: presenceKeyOf(config.presence?.key),
    presenceEnabled,
    isPrivate,
    read,
    send: io.send,
    sendRaw: io.sendRaw,
    onExpired: (expired, secondsAgo) => io.shutdown(expired, `Token has expired ${secondsAgo} seconds ago`),
    onRevoked: (revoked, message) => io.shutdown(revoked, message),
    usage: socket.usage,
    joinBytes: bytes,
    presenceLimits: hub.limits.clientPresence,
  });
  // Registered before the reply: a change committed after SUBSCRIBED must reach it.
  attach(hub, channel);
  return {
    channel,
    reply: entries.length > 0 ? { postgres_changes: echoBindings(entries) } : {},
    after() {
      if (channel.presenceEnabled && channel.canReadPresence()) {
        const frame = hub.presence.stateFrame(topicKey(name, isPrivate), `${channel.vsn} ${channel.topic}`, (state) =>
          encodeText({ joinRef: null, ref: null, topic: channel.topic, event: 'presence_state', payload: state }, channel.vsn),
        );
        channel.deliver(frame);
      }
      if (entries.length === 0) return;
      if (errors.length > 0) for (const message of errors) channel.system('postgres_changes', 'error', message);
      else channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
    },
  };
}

/**
 * A new token for a joined channel: verified, then (private) the read policies are checked
 * again; a channel that may no longer read is shut down, as hosted does.
 */
export async function refreshToken(hub: Hub, channel: Channel, io: JoinIo, m: PhoenixMessage): Promise<void> {
  const payload = tokenSchema.safeParse(m.payload);
  const token = payload.success ? payload.data.access_token : null;
  if (!token || token.startsWith('sb_') || token === channel.token) return;
  let claims: Claims;
  try {
    const verified = await hub.verify(token);
    claims = { ...verified, role: String(verified.role) };
  } catch (error) {
    return io.shutdown(channel, `Invalid token: ${error instanceof Error ? error.message : String(error)}`);
  }
  channel.updateToken(token, claims);
  if (!channel.isPrivate) return;
  try {
    await recheckRead(hub, channel);
  } catch {
    io.shutdown(channel, 'Realtime was unable to connect to the project database');
  }
}

/**
 * Evaluates a private channel's read policies again and closes it (through its owner, as a
 * token change does) when it may no longer read what it could. Throws only when the database
 * is unreachable. Used on a new token (as hosted) and by revalidation.ts (local only).
 */
export async function recheckRead(hub: Hub, channel: Channel): Promise<void> {
  const previous = channel.read;
  const read = await readPermissions(hub, contextOf(channel), channel.presenceEnabled || previous.presence !== undefined);
  if (channel.isClosed) return;
  channel.read = read;
  if (!read.broadcast && !read.presence) return channel.revoke(unauthorized(channel.name));
  const revoked = (['broadcast', 'presence'] as const).some((e) => previous[e] === true && read[e] === false);
  if (revoked) channel.revoke(`You no longer have permission to read from this Channel topic: ${channel.name}`);
}

