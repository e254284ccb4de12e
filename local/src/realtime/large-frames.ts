/**
 * Bounds the bytes of large WebSocket frames being received at once (limits.ts). `ws` buffers a
 * whole frame, up to hosted's 5,000,000-byte `max_frame_size`, before anyone can judge it, so
 * 100 sockets of one address each mid-way through a 4.9 MB frame held about 430 MB of the
 * process that also runs the gateway, Auth and Storage (security review 4, #2).
 *
 * A socket's bytes received since its last whole message (what `ws` holds of the message it is
 * reading) count, once over `largeFrameBytes`, against its address's budget (none for loopback,
 * the machine's own processes, as ConnectionCounter) and the process's. The socket that would
 * take either past it is closed with 1013 "Try Again Later" (the server is overloaded:
 * https://www.iana.org/assignments/websocket/websocket.xhtml#close-code-number) and the rest of
 * its frame is read and dropped, as `ws` drops the rest of a frame over `maxPayload`
 * (websocket.js receiverOnError). Smaller messages never count, and a large one alone is
 * received as before.
 *
 *   const frames = createLargeFrameBudget(limits);
 *   const watch = frames.watch(socket, address, refuse); // before wss.handleUpgrade takes it
 *   ws.on('message', watch.ended);                        // its budget is freed as its socket closes
 *   ws.on('ping', watch.control).on('pong', watch.control);
 *
 * A ping or pong may come between the fragments of a message (RFC 6455 §5.4), while `ws` still
 * holds the fragments read so far (receiver.js `_fragments`, up to maxPayload): it takes off
 * its own bytes only, never the message's (security review 6 #2: releasing on control frames
 * let 150 sockets hold ~675 MB of unfinished messages, pinging between fragments).
 */
import type { Duplex } from 'node:stream';
import { addressKey, type RealtimeLimits } from './limits.ts';

export type LargeFrameLimits = Pick<RealtimeLimits, 'largeFrameBytes' | 'maxLargeFrameBytesPerAddress' | 'maxLargeFrameBytes'>;

export interface FrameWatch {
  /** A whole message was read: what it held is free again. */
  ended(): void;
  /** A ping or pong (its payload) was read: its own bytes are free; a message it came inside of still counts. */
  control(payload: Buffer): void;
}

/**
 * The bytes of a control frame a client sent: 2 header bytes, the 4-byte mask (a client's
 * frames are masked; `ws` refuses others) and its payload, at most 125 bytes, so never an
 * extended length (RFC 6455 §5.2, §5.5).
 */
export const clientControlFrameBytes = (payloadBytes: number) => 2 + 4 + payloadBytes;

export function createLargeFrameBudget(limits: LargeFrameLimits) {
  const byAddress = new Map<string, number>();
  let total = 0;

  const charge = (key: string | null, bytes: number) => {
    total += bytes;
    if (key === null) return;
    const held = (byAddress.get(key) ?? 0) + bytes;
    if (held > 0) byAddress.set(key, held);
    else byAddress.delete(key);
  };

  return {
    /**
     * Counts what `socket` receives. Call it synchronously before `ws` takes the socket, so
     * that this listener sees each chunk before `ws` reads it (and a message it ends).
     * `refuse` is called once, when the socket would take a budget past its bound.
     */
    watch(socket: Duplex, address: string | null, refuse: () => void): FrameWatch {
      const key = addressKey(address);
      let receiving = 0;
      let charged = 0;
      let refused = false;
      const release = () => {
        charge(key, -charged);
        charged = 0;
      };
      socket.on('data', (chunk: Buffer) => {
        if (refused) return;
        receiving += chunk.length;
        if (receiving <= limits.largeFrameBytes) return;
        const more = receiving - charged;
        const ofAddress = key === null ? 0 : (byAddress.get(key) ?? 0);
        if (ofAddress + more > limits.maxLargeFrameBytesPerAddress || total + more > limits.maxLargeFrameBytes) {
          refused = true;
          release();
          refuse();
          return;
        }
        charge(key, more);
        charged = receiving;
      });
      socket.once('close', () => {
        refused = true;
        release();
      });
      return {
        ended() {
          receiving = 0;
          release();
        },
        control(payload) {
          receiving = Math.max(0, receiving - clientControlFrameBytes(payload.length));
        },
      };
    },
  };
}
