/**
 * The local Realtime service: Phoenix channels on `/realtime/v1/websocket` with
 * postgres_changes (fed by logical replication of the `supabase_realtime` publication, with
 * the real server's RLS semantics: https://supabase.com/docs/guides/realtime/postgres-changes), Broadcast (client, REST and database) and
 * Presence, private channels authorised by RLS on `realtime.messages` (and, unlike hosted,
 * checked again after rows are deleted or a private database broadcast: revalidation.ts). The gateway hands it
 * upgrade requests whose `apikey` query is already a JWT, and `/realtime/v1/api/*` requests.
 *
 *   const realtime = createRealtimeService({ databaseUrl, keys, log });
 *   await realtime.ready();                       // replication stream running
 *   server.on('upgrade', realtime.handleUpgrade); // via the gateway
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HttpService, UpgradeService } from '../gateway/types.ts';
import type { StackKeys } from '../keys/index.ts';
import { Catalog } from './catalog.ts';
import { handleConnection } from './connection.ts';
import { broadcastInserted, isMessagesChange } from './database-broadcast.ts';
import { createDispatcher } from './dispatch.ts';
import { isDeterministic } from './errors.ts';
import { createHub } from './hub.ts';
import { createLagReporter } from './lag.ts';
import { createLargeFrameBudget } from './large-frames.ts';
import { DEFAULT_LIMITS, LARGE_FRAMES_AT_ONCE, MAX_FRAME_BYTES, throttledLog, type RealtimeLimits } from './limits.ts';
import { maintainPartitions } from './partitions.ts';
import type { Vsn } from './protocol.ts';
import { startReplication, type CommittedTransaction, type ReplicationSource } from './replication.ts';
import { createBroadcastApi } from './rest.ts';
import { createRevalidator } from './revalidation.ts';

export interface RealtimeServiceOptions {
  /** Superuser (or replication-capable owner) URL of the app database. */
  databaseUrl: string;
  keys: StackKeys;
  log?: (line: string) => void;
  /** Defaults to `supabase_realtime`, as on hosted Supabase. */
  publication?: string;
  /** How often every private channel's read policies are checked again (default 30 s). */
  revalidateMs?: number;
  /**
   * Channels one socket may join at once (default 100, hosted's limit on every plan:
   * https://supabase.com/docs/guides/realtime/limits); a join past it is refused with
   * `ChannelRateLimitReached: Too many channels`. Same as `limits.maxChannelsPerClient`.
   */
  maxChannelsPerSocket?: number;
  /** What one client may make the service hold or do; hosted's defaults (limits.ts). Tests lower them. */
  limits?: Partial<RealtimeLimits>;
  /**
   * A socket that sends nothing for this long is closed (default 60 s), as hosted Realtime's
   * are: its WebSocket endpoint keeps Phoenix's default `timeout` — "the timeout for keeping
   * websocket connections open after it last received data, defaults to 60_000ms"
   * (https://hexdocs.pm/phoenix/Phoenix.Endpoint.html#socket/3). The clients' heartbeats
   * (every 25 s in realtime-js) keep a socket open; a browser tab whose timers are throttled
   * in the background loses it, here as there.
   */
  idleTimeoutMs?: number;
}

export type RealtimeService = UpgradeService & HttpService & { ready(): Promise<void> };

/** Created by local/src/db/bootstrap-realtime.sql, named as hosted names it. */
const MESSAGES_PUBLICATION = 'supabase_realtime_messages_publication';

export function createRealtimeService(options: RealtimeServiceOptions): RealtimeService {
  const log = options.log ?? (() => {});
  const publication = options.publication ?? 'supabase_realtime';
  // A small pool for catalog reads, RLS checks and channel authorisation; UTC so timestamps
  // compare with pgoutput's. node-postgres rather than postgres.js here: this pool is busy
  // exactly when Postgres restarts, and postgres.js 3.4.x could crash the process when a
  // socket closed mid-write (porsager/postgres#1154, #1208; the 4.x the rest of the stack
  // uses does not, tests/faults/connection-loss.test.ts).
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 4,
    application_name: 'mrprompt-realtime',
    options: '-c TimeZone=UTC',
  });
  pool.on('error', () => {}); // an idle client lost its server; the pool replaces it
  const catalog = new Catalog(pool, publication);
  const limits: RealtimeLimits = {
    ...DEFAULT_LIMITS,
    ...(options.maxChannelsPerSocket !== undefined ? { maxChannelsPerClient: options.maxChannelsPerSocket } : {}),
    ...options.limits,
  };
  const hub = createHub({ keys: options.keys, pool, catalog, log, limits, idleTimeoutMs: options.idleTimeoutMs ?? 60_000 });
  // Hosted's endpoint accepts WebSocket frames up to 5,000,000 bytes (realtime_web/endpoint.ex
  // `max_frame_size`); a larger one closes the socket with 1009. A payload under the broadcast
  // limit (3,000 KB) therefore reaches the channel, which judges its size (limits.ts). How many
  // such frames are received at once is bounded per address and in all (large-frames.ts).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const largeFrames = createLargeFrameBudget(limits);
  const dispatch = createDispatcher(pool, catalog, () => hub.channels, log);
  const broadcastApi = createBroadcastApi(hub);
  const stopPartitions = maintainPartitions(pool, log);
  const revalidator = createRevalidator(hub, { intervalMs: options.revalidateMs });

  const reportLag = createLagReporter(log);

  // A deterministic failure of one message (a frame that cannot be encoded, a statement the
  // server refuses, a bug) is logged and the stream carries on, as hosted's
  // ReplicationConnection rescues `UnableToBroadcastChanges` per message
  // (lib/realtime/tenants/replication_connection.ex); replaying it would fail the same way
  // for ever and stop every change behind it. Only a database out of reach fails the
  // transaction, so that the stream restarts from the last acknowledged commit and replays it.
  const onTransaction = async (tx: CommittedTransaction) => {
    const dispatchStartedAt = Date.now();
    const changes = tx.changes.filter((change) => {
      if (!isMessagesChange(change)) return true;
      try {
        broadcastInserted(hub.topics, change);
      } catch (error) {
        if (!isDeterministic(error)) throw error;
        log(`realtime: a database broadcast of the transaction committed at ${tx.commitLsn} was not sent: ${describeError(error)}`);
      }
      return false;
    });
    if (changes.length > 0) {
      try {
        await dispatch({ ...tx, changes });
      } catch (error) {
        if (!isDeterministic(error)) throw error;
        log(`realtime: the row changes of the transaction committed at ${tx.commitLsn} were not sent: ${describeError(error)}`);
      }
    }
    revalidator.observe(tx.changes);
    reportLag(tx, dispatchStartedAt);
  };

  const replication: Promise<ReplicationSource> = startReplication({
    databaseUrl: options.databaseUrl,
    pool,
    publications: [publication, MESSAGES_PUBLICATION],
    onTransaction,
    onRelation: (oid) => catalog.invalidate(oid),
    log,
  });
  replication.catch((error: unknown) => log(`realtime: could not start replication: ${String(error)}`));
  let stopped = false;
  const logRefusal = throttledLog(log, 10_000);

  return {
    async ready() {
      await (await replication).started;
    },

    handle: (req, res) => broadcastApi(req, res),

    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const header = req.headers['x-api-key'];
      const token = (typeof header === 'string' ? header : null) ?? url.searchParams.get('apikey');
      const vsnParam = url.searchParams.get('vsn');
      const vsn: Vsn = vsnParam === null || vsnParam.startsWith('1.') ? '1.0.0' : '2.0.0';
      // A peer can reset the connection while its token is being verified.
      socket.on('error', () => socket.destroy());
      if (stopped) return refuse(socket, 503, 'Realtime is shutting down');
      if (!token) return refuse(socket, 401, 'No api key provided');
      // The client as the gateway saw it (X-Real-IP; the socket peer without a gateway).
      const realIp = req.headers['x-real-ip'];
      const address = typeof realIp === 'string' ? realIp : (req.socket.remoteAddress ?? null);
      hub.verify(token).then(
        (claims) => {
          if (socket.destroyed) return;
          // After the token, as hosted's UserSocket.connect checks the tenant's limits.
          const refusal = hub.connections.refusal(address);
          if (refusal) {
            logRefusal(`realtime: refused a socket from ${address ?? 'an unknown address'}: ${refusal}`);
            return refuse(socket, 429, refusal);
          }
          let upgraded: WebSocket | null = null;
          // Before `ws` takes the socket (synchronously, in handleUpgrade), so that it counts each chunk first.
          const frames = largeFrames.watch(socket, address, () => {
            logRefusal(`realtime: closed a socket from ${address ?? 'an unknown address'}: ${LARGE_FRAMES_AT_ONCE}`);
            // As `ws` does with a frame over maxPayload (websocket.js receiverOnError): the rest
            // of the frame is read and dropped, not buffered, and the socket closes.
            socket.removeAllListeners('data');
            socket.resume();
            if (!upgraded) return socket.destroy();
            upgraded.close(1013, LARGE_FRAMES_AT_ONCE);
            socket.end();
          });
          wss.handleUpgrade(req, socket, head, (ws) => {
            upgraded = ws;
            ws.on('message', frames.ended).on('ping', frames.control).on('pong', frames.control);
            const uncount = hub.connections.open(address);
            ws.once('close', uncount);
            handleConnection(ws, hub, { token, claims: { ...claims, role: String(claims.role) }, vsn });
          });
        },
        (error: unknown) => refuse(socket, 401, `Invalid token: ${error instanceof Error ? error.message : 'unverifiable'}`),
      );
    },

    async stop() {
      stopped = true;
      stopPartitions();
      revalidator.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      hub.channels.clear();
      await (await replication.catch(() => null))?.stop();
      await pool.end();
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Realtime's handshake errors are plain HTTP responses with `{"error": …}` (https://supabase.com/docs/guides/realtime/protocol). */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
