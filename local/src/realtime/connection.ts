/**
 * One WebSocket: Phoenix heartbeats, channel join/leave, token pushes, broadcast and presence
 * (https://supabase.com/docs/guides/realtime/protocol). Messages of a socket are handled one at a time, in order, so a token
 * push never overtakes the join it follows and broadcasts keep their order. The socket's limits
 * (limits.ts: channels, joins and messages per second, broadcast size, what its channels
 * hold, unsent data, time without a channel) are enforced here, with hosted's messages.
 */
import type { WebSocket } from 'ws';
import type { Channel } from './channel.ts';
import { clientBroadcast, clientPresence, fromBinary, fromText, type BroadcastAck } from './channel-events.ts';
import { detach, type Hub } from './hub.ts';
import { joinChannel, refreshToken, type JoinIo, type SocketAuth, type SocketState } from './join.ts';
import { PAYLOAD_SIZE_EXCEEDED, RateCounter, SOCKET_HOLDS_TOO_MUCH, TOO_MANY_JOINS, TOO_MANY_MESSAGES } from './limits.ts';
import { decodeBinary, decodeText, encodeText, type PhoenixMessage } from './protocol.ts';

export function handleConnection(ws: WebSocket, hub: Hub, auth: SocketAuth): void {
  const joined = new Map<string, Channel>();
  const socket: SocketState = { ...auth, usage: { held: 0 } };
  const { limits } = hub;
  const joins = new RateCounter(limits.maxJoinsPerSecond, limits.rateTickMs);
  const events = new RateCounter(limits.maxEventsPerSecond, limits.rateTickMs);
  let queue = Promise.resolve();

  // A client that stopped reading: closed before what waits for it outgrows the bound.
  const writable = (bytes: number) => {
    if (ws.readyState !== ws.OPEN) return false;
    if (ws.bufferedAmount + bytes <= limits.maxBufferedBytes) return true;
    hub.log(`realtime: closed a socket with more than ${limits.maxBufferedBytes} bytes it did not read`);
    ws.terminate();
    return false;
  };
  const send = (message: PhoenixMessage) => {
    const frame = encodeText(message, socket.vsn);
    if (writable(frame.length)) ws.send(frame);
  };
  const sendRaw = (frame: string | Buffer) => {
    if (writable(frame.length)) ws.send(frame);
  };
  const reply = (m: Pick<PhoenixMessage, 'joinRef' | 'ref' | 'topic'>, status: 'ok' | 'error', response: Record<string, unknown>) =>
    send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: 'phx_reply', payload: { status, response } });

  /** Channels whose join message and presence are counted in `socket.usage`. */
  const counted = new Set<Channel>();
  const uncount = (channel: Channel) => {
    if (!counted.delete(channel)) return;
    socket.usage.held -= channel.joinBytes + channel.presenceBytes;
    channel.presenceBytes = 0;
  };
  const remove = (channel: Channel, notify: boolean) => {
    detach(hub, channel, notify);
    uncount(channel);
    if (joined.get(channel.topic) === channel) joined.delete(channel.topic);
    watchChannels();
  };

  // Hosted's channel Tracker (limits.ts): a socket that has had no channel for
  // noChannelTimeoutMs is dropped (hosted kills its transport: no close frame, 1006).
  let noChannel: NodeJS.Timeout | null = null;
  const watchChannels = () => {
    if (joined.size > 0 || ws.readyState !== ws.OPEN) {
      if (noChannel) clearTimeout(noChannel);
      noChannel = null;
      return;
    }
    if (noChannel) return;
    noChannel = setTimeout(() => {
      noChannel = null;
      if (joined.size > 0) return;
      hub.log(`realtime: dropped a socket with no channel for ${limits.noChannelTimeoutMs} ms`);
      ws.terminate();
    }, limits.noChannelTimeoutMs);
    noChannel.unref();
  };
  watchChannels();
  const io: JoinIo = {
    send,
    sendRaw,
    /** Hosted `shutdown_response`: a system error, then the channel closes. */
    shutdown(channel, message) {
      channel.system('system', 'error', message);
      remove(channel, true);
    },
  };

  const join = async (m: PhoenixMessage, bytes: number) => {
    // Hosted RealtimeChannel.join/3: limit_joins, then limit_channels, before the token is checked.
    if (joins.limited) {
      reply(m, 'error', { reason: TOO_MANY_JOINS });
      hub.log(`realtime: ${TOO_MANY_JOINS}; disconnecting the socket`);
      return ws.close(1000, 'Too many joins per second');
    }
    joins.add();
    const previous = joined.get(m.topic);
    if (!previous && joined.size >= limits.maxChannelsPerClient) return reply(m, 'error', { reason: 'ChannelRateLimitReached: Too many channels' });
    const held = socket.usage.held - (previous ? previous.joinBytes + previous.presenceBytes : 0);
    if (held + bytes > limits.maxSocketHeldBytes) return reply(m, 'error', { reason: SOCKET_HOLDS_TOO_MUCH });
    const result = await joinChannel(hub, socket, io, m, bytes);
    if ('reason' in result) return reply(m, 'error', { reason: result.reason });
    const replaced = joined.get(m.topic);
    if (replaced) remove(replaced, false);
    if (ws.readyState !== ws.OPEN) return remove(result.channel, false);
    joined.set(m.topic, result.channel);
    watchChannels();
    counted.add(result.channel);
    socket.usage.held += result.channel.joinBytes;
    reply(m, 'ok', result.reply);
    result.after();
  };

  /** Counts a message the client pushes on `channel`; false (and the channel shut down, as hosted) past the limit. */
  const withinRate = async (channel: Channel) => {
    if (await hub.catalog.bypassesRls(channel.viewer().role).catch(() => false)) return true;
    if (events.limited) {
      hub.log(`realtime: MessagePerSecondRateLimitReached on ${channel.name}`);
      io.shutdown(channel, TOO_MANY_MESSAGES);
      return false;
    }
    events.add();
    return true;
  };

  /**
   * The reply to a broadcast push with `ack`: ok, or for one over the payload size hosted's
   * BroadcastHandler reply (`{:reply, {:error, :payload_size_exceeded}, socket}`, a bare
   * string as the response); the channel stays open either way.
   */
  const answerBroadcast = (m: Pick<PhoenixMessage, 'joinRef' | 'ref' | 'topic'>, ack: BroadcastAck) => {
    if (!ack || m.ref === null) return;
    if (ack === PAYLOAD_SIZE_EXCEEDED) {
      send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: 'phx_reply', payload: { status: 'error', response: PAYLOAD_SIZE_EXCEEDED } });
    } else reply(m, 'ok', {});
  };

  const handle = async (m: PhoenixMessage, bytes: number) => {
    if (m.topic === 'phoenix' && m.event === 'heartbeat') return reply(m, 'ok', {});
    if (m.event === 'phx_join') return join(m, bytes);
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
        return refreshToken(hub, channel, io, m);
      case 'presence': {
        const answer = await clientPresence(hub, channel, m.payload);
        if (answer && 'shutdown' in answer) return io.shutdown(channel, answer.shutdown);
        if (answer && m.ref !== null) reply(m, answer.status, answer.response);
        return;
      }
      case 'broadcast': {
        if (!(await withinRate(channel))) return;
        const message = fromText(m.payload);
        // Hosted validates the push's whole payload ({type, event, payload}).
        const ack = message ? await clientBroadcast(hub, channel, message, Buffer.byteLength(JSON.stringify(m.payload))) : channel.broadcastAck;
        return answerBroadcast(m, ack);
      }
      default:
        if (!(await withinRate(channel))) return;
        if (m.ref !== null) reply(m, 'ok', {});
    }
  };

  const handleBinary = async (data: Buffer) => {
    const frame = decodeBinary(data);
    const channel = frame ? joined.get(frame.topic) : undefined;
    if (!frame || !channel) return; // tolerated, ignored
    if (!(await withinRate(channel))) return;
    // Hosted validates {event, encoding, bytes, metadata}.
    const ack = await clientBroadcast(hub, channel, fromBinary(frame), frame.payload.length + Buffer.byteLength(frame.event) + Buffer.byteLength(frame.metadata));
    answerBroadcast(frame, ack);
  };

  const process = async (buffer: Buffer, isBinary: boolean) => {
    if (isBinary) return handleBinary(buffer);
    const message = decodeText(buffer.toString('utf8'), socket.vsn);
    if (message) await handle(message, buffer.length);
  };

  // Closed after idleTimeoutMs without a frame from the client (hosted: Phoenix's websocket
  // `timeout`); any frame, a heartbeat or a ping, keeps it open.
  const idle = setTimeout(() => {
    hub.log(`realtime: closed a socket that sent nothing for ${hub.idleTimeoutMs} ms`);
    ws.close(1000, 'idle timeout');
  }, hub.idleTimeoutMs);
  idle.unref();
  const active = () => idle.refresh();
  ws.on('ping', active);
  ws.on('pong', active);

  ws.on('message', (data, isBinary) => {
    active();
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    queue = queue
      .then(() => process(buffer, isBinary))
      .catch((error: unknown) => hub.log(`realtime: message handling failed: ${error instanceof Error ? error.message : String(error)}`));
  });
  ws.on('close', () => {
    clearTimeout(idle);
    if (noChannel) clearTimeout(noChannel);
    for (const channel of [...joined.values()]) remove(channel, false);
  });
  ws.on('error', () => ws.terminate());
}
