/**
 * One WebSocket: Phoenix heartbeats, channel join/leave, token pushes, broadcast and presence
 * (https://supabase.com/docs/guides/realtime/protocol). Messages of a socket are handled one at a time, in order, so a token
 * push never overtakes the join it follows and broadcasts keep their order.
 */
import type { WebSocket } from 'ws';
import type { Channel } from './channel.ts';
import { clientBroadcast, clientPresence, fromBinary, fromText } from './channel-events.ts';
import { detach, type Hub } from './hub.ts';
import { joinChannel, refreshToken, type JoinIo, type SocketAuth } from './join.ts';
import { decodeBinary, decodeText, encodeText, type PhoenixMessage } from './protocol.ts';

export function handleConnection(ws: WebSocket, hub: Hub, socket: SocketAuth): void {
  const joined = new Map<string, Channel>();
  let queue = Promise.resolve();

  const send = (message: PhoenixMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeText(message, socket.vsn));
  };
  const sendRaw = (frame: string | Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(frame);
  };
  const reply = (m: Pick<PhoenixMessage, 'joinRef' | 'ref' | 'topic'>, status: 'ok' | 'error', response: Record<string, unknown>) =>
    send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: 'phx_reply', payload: { status, response } });

  const remove = (channel: Channel, notify: boolean) => {
    detach(hub, channel, notify);
    if (joined.get(channel.topic) === channel) joined.delete(channel.topic);
  };
  const io: JoinIo = {
    send,
    sendRaw,
    /** Hosted `shutdown_response`: a system error, then the channel closes. */
    shutdown(channel, message) {
      channel.system('system', 'error', message);
      remove(channel, true);
    },
  };

  const join = async (m: PhoenixMessage) => {
    // Hosted RealtimeChannel.join/3 (limit_channels): counted per socket before the token is checked.
    if (!joined.has(m.topic) && joined.size >= hub.maxChannelsPerSocket) return reply(m, 'error', { reason: 'ChannelRateLimitReached: Too many channels' });
    const result = await joinChannel(hub, socket, io, m);
    if ('reason' in result) return reply(m, 'error', { reason: result.reason });
    const previous = joined.get(m.topic);
    if (previous) remove(previous, false);
    if (ws.readyState !== ws.OPEN) return remove(result.channel, false);
    joined.set(m.topic, result.channel);
    reply(m, 'ok', result.reply);
    result.after();
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
        return refreshToken(hub, channel, io, m);
      case 'presence': {
        const answer = await clientPresence(hub, channel, m.payload);
        if (answer && m.ref !== null) reply(m, answer.status, answer.response);
        return;
      }
      case 'broadcast': {
        const message = fromText(m.payload);
        const ack = message ? await clientBroadcast(hub, channel, message) : channel.broadcastAck;
        if (ack && m.ref !== null) reply(m, 'ok', {});
        return;
      }
      default:
        if (m.ref !== null) reply(m, 'ok', {});
    }
  };

  const handleBinary = async (data: Buffer) => {
    const frame = decodeBinary(data);
    const channel = frame ? joined.get(frame.topic) : undefined;
    if (!frame || !channel) return; // tolerated, ignored
    const ack = await clientBroadcast(hub, channel, fromBinary(frame));
    if (ack && frame.ref !== null) reply(frame, 'ok', {});
  };

  const process = async (buffer: Buffer, isBinary: boolean) => {
    if (isBinary) return handleBinary(buffer);
    const message = decodeText(buffer.toString('utf8'), socket.vsn);
    if (message) await handle(message);
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
    for (const channel of [...joined.values()]) remove(channel, false);
  });
  ws.on('error', () => ws.terminate());
}
