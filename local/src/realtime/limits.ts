/**
 * What one client may make Realtime hold or do, with hosted Realtime's defaults and wording
 * (https://supabase.com/docs/guides/realtime/limits; config/runtime.exs `TENANT_MAX_*`). The
 * local service is one tenant in the process that also runs the gateway, Auth and Storage, so
 * a few bounds are local and stricter; each says so.
 *
 * - Concurrent users: 200 sockets (`max_concurrent_users`). Hosted refuses the upgrade with
 *   429 `{"error":"Too many connected users"}` (lib/realtime_web/channels/user_socket.ex,
 *   tenant_rate_limiters.ex). It counts a socket once it joined a channel; here every open
 *   socket counts, since one that never joins holds memory too.
 * - Sockets per client address: 100 (local; hosted has none). Loopback peers are the app's
 *   own processes (its API function, a reverse proxy on the machine) and are not counted per
 *   address; behind a proxy, `trustedProxyDepth` tells clients apart (gateway X-Real-IP).
 * - Channels per socket: 100 (`max_channels_per_client`).
 * - Joins per second: 100 (`max_joins_per_second`), measured as hosted's RateCounter measures
 *   it (lib/realtime/rate_counter/rate_counter.ex: the count of each 5 s tick, the average of
 *   the last 12 ticks per second; over the limit from the tick that reaches it until the
 *   average falls below). Hosted counts per tenant; here per socket, so that one client cannot
 *   refuse everyone's joins. Over it, the join is refused with `ClientJoinRateLimitReached:
 *   Too many joins per second` and the socket is disconnected, as hosted does.
 * - Messages per second: 100 (`max_events_per_second`), measured the same way, per socket, on
 *   what the client pushes on its channels (broadcasts and other events; presence has its own
 *   limit). Over it, the channel gets hosted's `Too many messages per second` system error and
 *   closes. Hosted counts per tenant, deliveries included, and closes the channels receiving;
 *   here the sender's. A role that bypasses RLS (the secret key's service_role: the app's own
 *   server, which streams answers over a socket) is not limited.
 * - Presence: 5 presence messages per 30 s per channel (hosted's client presence rate limit,
 *   realtime_channel.ex `assign_client_presence_rate_limit`; over it, `Client presence rate
 *   limit exceeded` and the channel closes), and a track's payload checked as hosted's
 *   `validate_payload_size` checks it (`max_payload_size_in_kb` 3000, plus 500 bytes; over it,
 *   `Track message size exceeded` and the channel closes).
 * - What a socket holds: its channels' join messages and tracked presence, 1 MiB in all
 *   (local). Hosted bounds each socket and channel process at 50 MB of heap
 *   (`WEBSOCKET_MAX_HEAP_SIZE`); here 200 sockets share one heap. A track past it closes the
 *   channel as an oversized one does; a join past it is refused.
 * - Unsent data: a socket with more than 16 MiB waiting to be written (a client that stopped
 *   reading) is closed (local; hosted's 50 MB heap bound kills such a socket process too).
 * - Sockets without a channel (line numbers: supabase/realtime at 833cf36): closed once they
 *   had none for 10 minutes, as hosted's channel Tracker kills the transport of a socket whose
 *   channel count is 0 (NO_CHANNEL_TIMEOUT_IN_MS, `:timer.minutes(10)`,
 *   config/runtime.exs:82; lib/realtime_web/channels/realtime_channel/
 *   tracker.ex:66-83, `Process.exit(pid, :kill)`: the connection drops without a close frame,
 *   1006 for the client, which connects again). Hosted checks every 10 minutes and only
 *   sockets that joined once (realtime_channel.ex:57 `Tracker.track`), since only those count
 *   toward its users; here every open socket counts, so one that never joins is closed too,
 *   10 minutes after it opened or left its last channel.
 * - Broadcast payloads: a client broadcast or a REST message over `max_payload_size_in_kb`
 *   (checked as `validate_payload_size`, below) is not sent. On a socket, a push asking for an
 *   ack gets hosted's `{status: "error", response: "payload_size_exceeded"}` and others are
 *   dropped (broadcast_handler.ex:46-56, 103-113); the channel stays. Over REST, the request
 *   gets 422 with `Payload size exceeds tenant limit` on the message's payload
 *   (batch_broadcast.ex:120-126, single_broadcast.ex:120-145). Frames over 5,000,000 bytes
 *   (hosted's `max_frame_size`, realtime_web/endpoint.ex) close the socket with 1009 before
 *   they are read (`ws` maxPayload, index.ts).
 * - Large frames being received at once (local): `ws` holds a whole frame before it can be judged,
 *   and hosted's frames go up to 5,000,000 bytes. A socket's bytes since its last whole message,
 *   once over 1 MiB, count against 16 MiB per client address (loopback only in all, as for
 *   sockets) and 64 MiB in all; the socket that
 *   would pass either is closed with 1013 and the rest of its frame dropped (large-frames.ts).
 *   Hosted absorbs such frames in per-socket processes of 50 MB heap each; here 200 sockets
 *   share the process that runs the gateway, Auth and Storage. A 4.9 MB frame alone, or three
 *   of one address at once, are received as on hosted.
 * - REST broadcasts: the messages sent count per tenant against `max_events_per_second`, as
 *   hosted's BatchBroadcast and SingleBroadcast count them (batch_broadcast.ex:170-182,
 *   single_broadcast.ex:211-219): 429 `You have exceeded your rate limit` once the average is
 *   over it (at or over it for the single route), and 429 `Too many messages to broadcast,
 *   please reduce the batch size` when the batch would take it past (so a request carries at
 *   most 100 messages). Hosted's counter is the one socket messages count on too; here REST
 *   has its own, and the service role (the app's server, whose answers stream through it) is
 *   not limited, as on sockets.
 */
import ipaddr from 'ipaddr.js';

export interface RealtimeLimits {
  maxConcurrentUsers: number;
  maxSocketsPerAddress: number;
  maxChannelsPerClient: number;
  maxJoinsPerSecond: number;
  maxEventsPerSecond: number;
  clientPresence: { maxCalls: number; windowMs: number };
  maxPayloadSizeInKb: number;
  maxSocketHeldBytes: number;
  maxBufferedBytes: number;
  /** A message being received counts against the two budgets below once it is past this. */
  largeFrameBytes: number;
  maxLargeFrameBytesPerAddress: number;
  maxLargeFrameBytes: number;
  /** The rate counters' tick (hosted: 5 s); tests shorten it. */
  rateTickMs: number;
  /** A socket with no channel for this long is closed (hosted NO_CHANNEL_TIMEOUT_IN_MS: 10 min); tests shorten it. */
  noChannelTimeoutMs: number;
}

export const DEFAULT_LIMITS: RealtimeLimits = {
  maxConcurrentUsers: 200,
  maxSocketsPerAddress: 100,
  maxChannelsPerClient: 100,
  maxJoinsPerSecond: 100,
  maxEventsPerSecond: 100,
  clientPresence: { maxCalls: 5, windowMs: 30_000 },
  maxPayloadSizeInKb: 3000,
  maxSocketHeldBytes: 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  largeFrameBytes: 1024 * 1024,
  maxLargeFrameBytesPerAddress: 16 * 1024 * 1024,
  maxLargeFrameBytes: 64 * 1024 * 1024,
  rateTickMs: 5_000,
  noChannelTimeoutMs: 10 * 60_000,
};

export const TOO_MANY_USERS = 'Too many connected users';
/** The close reason of a socket whose large frame found no room (large-frames.ts); 1013 is "Try Again Later". */
export const LARGE_FRAMES_AT_ONCE = 'Too many large frames being received at once';
/** Hosted's WebSocket frame limit (realtime_web/endpoint.ex `max_frame_size`). */
export const MAX_FRAME_BYTES = 5_000_000;

export const TOO_MANY_JOINS = 'ClientJoinRateLimitReached: Too many joins per second';
export const TOO_MANY_MESSAGES = 'Too many messages per second';
export const PRESENCE_RATE_EXCEEDED = 'Client presence rate limit exceeded';
export const TRACK_TOO_LARGE = 'Track message size exceeded';
/** Hosted's reply to an acked broadcast over the payload size: the atom `:payload_size_exceeded`, as JSON. */
export const PAYLOAD_SIZE_EXCEEDED = 'payload_size_exceeded';
/** Hosted's 422 text for a REST message over the payload size. */
export const REST_PAYLOAD_TOO_LARGE = 'Payload size exceeds tenant limit';
export const REST_RATE_EXCEEDED = 'You have exceeded your rate limit';
export const REST_BATCH_TOO_LARGE = 'Too many messages to broadcast, please reduce the batch size';
export const SOCKET_HOLDS_TOO_MUCH = 'ConnectionMemoryLimitReached: this connection’s channels and presence would hold more than allowed';

/**
 * Hosted `Tenants.validate_payload_size` (lib/realtime/tenants.ex:538-543): over
 * `max_payload_size_in_kb * 1000 + 500` bytes. Hosted measures the Erlang term; here the JSON
 * (or the raw bytes of a binary payload), which differs by a few bytes per value.
 */
export function payloadTooLarge(limits: RealtimeLimits, bytes: number): boolean {
  return bytes > limits.maxPayloadSizeInKb * 1000 + 500;
}

/** Buckets kept (hosted: max_bucket_len 12) and idle time after which a counter starts afresh (hosted: 5 min). */
const MAX_BUCKETS = 12;
const IDLE_RESET_MS = 5 * 60_000;

/**
 * Hosted's RateCounter, rolled forward lazily instead of on a timer: events are counted per
 * tick; at each tick the count becomes a bucket, the average of the buckets per second is
 * taken, and the limit triggers when it reaches `limit` and clears when it drops below.
 */
export class RateCounter {
  private current = 0;
  private buckets: number[] = [];
  private tickStart: number;
  private lastEvent: number;
  private triggered = false;
  private avg = 0;

  constructor(
    private readonly limit: number,
    private readonly tickMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tickStart = this.lastEvent = now();
  }

  add(count = 1): void {
    this.roll();
    this.current += count;
    this.lastEvent = this.now();
  }

  /** Over the limit (as of the last tick). */
  get limited(): boolean {
    this.roll();
    return this.triggered;
  }

  /** Events per second, averaged over the kept ticks (as of the last tick; hosted `RateCounter.get(...).avg`). */
  get average(): number {
    this.roll();
    return this.avg;
  }

  private roll(): void {
    const now = this.now();
    const ticks = Math.floor((now - this.tickStart) / this.tickMs);
    if (ticks <= 0) return;
    this.tickStart += ticks * this.tickMs;
    if (this.current === 0 && now - this.lastEvent >= IDLE_RESET_MS) {
      // Hosted stops an idle counter; the next one starts with no buckets.
      this.buckets = [];
      this.triggered = false;
      this.avg = 0;
      return;
    }
    for (let i = 0; i < Math.min(ticks, MAX_BUCKETS + 1); i++) {
      this.buckets.unshift(i === 0 ? this.current : 0);
      if (this.buckets.length > MAX_BUCKETS) this.buckets.pop();
      this.current = 0;
      this.avg = this.buckets.reduce((a, b) => a + b, 0) / this.buckets.length / (this.tickMs / 1000);
      this.triggered = this.avg >= this.limit;
    }
  }
}

/** Hosted `limit_client_presence_event`: at most `maxCalls` presence messages per window, the window starting at the first. */
export class PresenceWindow {
  private counter = 0;
  private resetAt = -Infinity;

  constructor(
    private readonly limits: RealtimeLimits['clientPresence'],
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one presence message; false when it is one too many. */
  take(): boolean {
    const now = this.now();
    if (now > this.resetAt) {
      this.counter = 1;
      this.resetAt = now + this.limits.windowMs;
      return true;
    }
    if (this.counter >= this.limits.maxCalls) return false;
    this.counter++;
    return true;
  }
}

/** What the channels of one socket hold (join messages and presence), in bytes. */
export interface SocketUsage {
  held: number;
}

/** Open sockets, in all and per client address. */
export class ConnectionCounter {
  private total = 0;
  private perAddress = new Map<string, number>();

  constructor(private readonly limits: RealtimeLimits) {}

  /** Why a new socket from `address` is refused, or null when it may open. */
  refusal(address: string | null): string | null {
    if (this.total >= this.limits.maxConcurrentUsers) return TOO_MANY_USERS;
    const key = addressKey(address);
    if (key !== null && (this.perAddress.get(key) ?? 0) >= this.limits.maxSocketsPerAddress) return TOO_MANY_USERS;
    return null;
  }

  /** Counts an opened socket; the returned function uncounts it (once). */
  open(address: string | null): () => void {
    const key = addressKey(address);
    this.total++;
    if (key !== null) this.perAddress.set(key, (this.perAddress.get(key) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.total--;
      if (key === null) return;
      const left = (this.perAddress.get(key) ?? 1) - 1;
      if (left > 0) this.perAddress.set(key, left);
      else this.perAddress.delete(key);
    };
  }
}

/** The address a per-address count is kept under; null for loopback (the machine's own processes) and unknown peers. */
export function addressKey(address: string | null): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'loopback' ? null : parsed.toString();
}

/** A log that writes at most one line per `everyMs`, saying how many it left out since. */
export function throttledLog(log: (line: string) => void, everyMs = 60_000): (line: string) => void {
  let loggedAt = -Infinity;
  let unlogged = 0;
  return (line) => {
    const now = Date.now();
    if (now - loggedAt < everyMs) {
      unlogged++;
      return;
    }
    log(unlogged > 0 ? `${line} (and ${unlogged} more such lines left out)` : line);
    loggedAt = now;
    unlogged = 0;
  };
}
