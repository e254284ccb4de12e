/**
 * Private Realtime channels joined by the server over WebSockets (realtime-js `RealtimeClient`),
 * so a running answer's units go out as WebSocket frames instead of one HTTP request each
 * (realtime-broadcast.ts keeps the REST endpoint as the fallback).
 *
 * - The client is loaded on first use (a dynamic import: a function that never streams an
 *   answer never loads it) and connects with the project's secret key as `apikey`, as
 *   supabase-js does on a server: the API gateway turns a secret key into a `service_role`
 *   token for Realtime, and the service role bypasses Row Level Security, so it may join the
 *   private `session:<id>` channels whatever their policies
 *   (https://supabase.com/docs/guides/api/api-keys, https://supabase.com/docs/guides/realtime/authorization).
 *   The join sends no `access_token`: Realtime then authorises it with the socket's token.
 * - Hosted Realtime allows 100 channels per connection (https://supabase.com/docs/guides/realtime/limits,
 *   refused with `ChannelRateLimitReached`): channels are spread over sockets of at most
 *   `channelsPerSocket`, up to `maxChannels` in all; past that, `join` answers null (REST).
 * - A channel is joined with `broadcast: { ack: false, self: false }`: nothing is echoed or
 *   answered per message. Messages are written with `RealtimeClient.push`, the frame
 *   `channel.send` writes, without the reply bookkeeping (a timer and a listener per message
 *   for 10 s) a message nobody answers does not need.
 * - A refused join (a limit, a revoked or expired token) leaves the topic on REST. A token
 *   refusal also retires its socket: new channels go to a new connection (a new token), and
 *   the old one is closed once its channels are gone.
 *
 * - The socket is the `ws` package's, not the runtime's WebSocket: Deno's WebSocket client
 *   leaves Nagle's algorithm on, so a small frame written while the previous one is not yet
 *   acknowledged waits for the peer's delayed ACK (measured on loopback, frames 3 ms apart:
 *   p99 20 ms, worst 55 ms, against 1 ms / 3 ms with `ws`, which turns it off with
 *   `socket.setNoDelay()`: https://docs.deno.com/api/node/net/~/Socket.prototype.setNoDelay).
 *   Where `ws` cannot be loaded, the runtime's WebSocket is used. Hosted Edge Functions may open
 *   outgoing WebSocket connections, and Supabase's guide uses `npm:ws` in one
 *   (https://supabase.com/docs/guides/functions/websockets).
 *
 * Nothing here logs the socket's URL: it carries the key.
 */
import type { Logger } from './log.ts';

type RealtimeModule = typeof import('@supabase/realtime-js');
type Client = InstanceType<RealtimeModule['RealtimeClient']>;
type RealtimeChannel = ReturnType<Client['channel']>;

export interface LiveChannel {
  /** True while a message can go over the socket now (joined, socket open). */
  readonly ready: boolean;
  /** False once the join was refused or the channel was closed by the server: use REST. */
  readonly usable: boolean;
  /** Writes the broadcast frame; false (nothing sent) when not ready. */
  send(event: string, payload: Record<string, unknown>): boolean;
  /**
   * Leaves the channel. True when the server confirmed the leave — it handles a socket's
   * messages in order, so everything sent before it was handled — false when it could not.
   */
  leave(): Promise<boolean>;
}

export interface LiveChannelsOptions {
  supabaseUrl: string;
  key: string;
  log: Logger;
  /** Called when a channel becomes ready (joined). */
  onReady?(topic: string): void;
  /** Most channels at once over all sockets (default 100); 0: no sockets at all. */
  maxChannels?: number;
  /** Most channels per socket (default 100, hosted Realtime's limit per connection). */
  channelsPerSocket?: number;
  /** The WebSocket constructor (Node without a global WebSocket: `ws`). */
  transport?: unknown;
  /** How long a join or leave may wait for its reply (default 10 s, realtime-js's). */
  timeoutMs?: number;
}

export interface LiveChannels {
  /** Starts joining `topic`'s private channel; null when no socket may take another channel. */
  join(topic: string): LiveChannel | null;
  /** Channels joined or joining. */
  readonly size: number;
  close(): Promise<void>;
}

const FAILURE_LOG_EVERY_MS = 60_000;
/** realtime-js's wording for a channel error that comes from the socket, not from the server (normalizeChannelError). */
const TRANSPORT_ERROR = /^(socket closed|channel error|heartbeat timeout)/;
/** Refusals that mean the socket's token is no good any more (hosted RealtimeChannel.join/3). */
const TOKEN_REFUSAL = /^(InvalidJWTToken|JwtSignatureError|MalformedJWT|JwtSignerError)\b|Token has expired/;

interface Socket {
  client: Promise<Client>;
  channels: number;
  retired: boolean;
}

let realtimeModule: Promise<RealtimeModule> | null = null;
let wsModule: Promise<unknown> | null = null;

export function createLiveChannels(options: LiveChannelsOptions): LiveChannels {
  const maxChannels = options.maxChannels ?? 100;
  const perSocket = Math.max(1, options.channelsPerSocket ?? 100);
  const endpoint = `${options.supabaseUrl}/realtime/v1`;
  const sockets: Socket[] = [];
  let total = 0;
  let unavailable = false;
  let lastFailureLog = 0;

  const warn = (message: string, fields: Record<string, unknown>) => {
    if (Date.now() - lastFailureLog < FAILURE_LOG_EVERY_MS) return;
    lastFailureLog = Date.now();
    options.log.warn(message, fields);
  };

  const openSocket = (): Socket => {
    realtimeModule ??= import('@supabase/realtime-js');
    const transport = options.transport ? Promise.resolve(options.transport) : (wsModule ??= import('ws').then((m) => m.default, () => undefined));
    const client = Promise.all([realtimeModule, transport]).then(([{ RealtimeClient }, transport]) => {
      const made = new RealtimeClient(endpoint, {
        params: { apikey: options.key },
        ...(transport ? { transport: transport as never } : {}),
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      });
      made.connect();
      return made;
    });
    const socket: Socket = { client, channels: 0, retired: false };
    client.catch((error: unknown) => {
      // No client can be made here (no WebSocket in this runtime, the module failed to load): REST from now on.
      unavailable = true;
      socket.retired = true;
      options.log.warn('realtime sockets unavailable; broadcasting over REST', { message: error instanceof Error ? error.message : String(error) });
    });
    sockets.push(socket);
    return socket;
  };

  const release = (socket: Socket) => {
    socket.channels -= 1;
    total -= 1;
    if (socket.retired && socket.channels === 0) {
      sockets.splice(sockets.indexOf(socket), 1);
      void socket.client.then((client) => client.disconnect()).catch(() => {});
    }
  };

  return {
    get size() {
      return total;
    },

    join(topic) {
      if (unavailable || total >= maxChannels) return null;
      const socket = sockets.find((s) => !s.retired && s.channels < perSocket) ?? openSocket();
      socket.channels += 1;
      total += 1;
      return joinOn(socket, topic);
    },

    async close() {
      const all = sockets.splice(0);
      await Promise.all(all.map((s) => s.client.then((client) => client.removeAllChannels()).catch(() => {})));
    },
  };

  function joinOn(socket: Socket, topic: string): LiveChannel {
    let client: Client | null = null;
    let channel: RealtimeChannel | null = null;
    let usable = true;
    let released = false;
    let leaving: Promise<boolean> | null = null;
    /** Set before the leave starts: realtime-js may report the close while it is being asked for. */
    let closing = false;

    const giveBack = () => {
      if (released) return;
      released = true;
      release(socket);
    };
    /** Refused or closed by the server: the topic stays on REST; the channel is dropped. */
    const fail = (reason: string) => {
      if (!usable) return;
      usable = false;
      if (TOKEN_REFUSAL.test(reason)) socket.retired = true;
      warn('realtime channel refused; broadcasting over REST', { reason });
      const refused = channel;
      // Outside the subscribe callback (removeChannel re-enters it), and no rejoin attempts.
      setTimeout(() => {
        if (client && refused) void client.removeChannel(refused).catch(() => {});
        giveBack();
      }, 0);
    };

    socket.client.then(
      (made) => {
        client = made;
        if (!usable || closing) return giveBack();
        channel = made.channel(topic, { config: { private: true, broadcast: { ack: false, self: false } } });
        channel.on('system', {}, (message: { status?: string; message?: string }) => {
          if (message?.status === 'error' && typeof message.message === 'string' && TOKEN_REFUSAL.test(message.message)) socket.retired = true;
        });
        let joined = false;
        channel.subscribe((status, error) => {
          if (closing) return;
          if (status === 'SUBSCRIBED') {
            joined = true;
            options.onReady?.(topic);
          } else if (status === 'CLOSED') {
            fail('closed by the server');
          } else if (status === 'CHANNEL_ERROR') {
            const reason = error?.message ?? status;
            // A joined channel whose socket dropped is joined again by realtime-js (REST meanwhile);
            // anything else — a refused join or rejoin — leaves the topic on REST.
            if (!joined || !TRANSPORT_ERROR.test(reason)) fail(reason);
          }
          // TIMED_OUT: realtime-js asks again later; REST meanwhile.
        });
      },
      () => {
        usable = false;
        giveBack();
      },
    );

    const isReady = () => usable && !closing && client !== null && channel !== null && channel.state === 'joined' && client.isConnected();

    return {
      get ready() {
        return isReady();
      },
      get usable() {
        return usable && !closing;
      },
      send(event, payload) {
        if (!isReady()) return false;
        client!.push({ topic: channel!.topic, event: 'broadcast', payload: { type: 'broadcast', event, payload }, ref: '', join_ref: channel!.joinPush.ref ?? undefined });
        return true;
      },
      leave() {
        if (leaving) return leaving;
        const wasReady = isReady();
        const left = channel;
        closing = true;
        leaving = (async () => {
          if (!client || !left) return false;
          // realtime-js answers 'ok' at once when it cannot push the leave: that confirms nothing.
          const answer = await client.removeChannel(left).catch(() => 'error');
          return wasReady && answer === 'ok';
        })().finally(giveBack);
        return leaving;
      },
    };
  }
}
