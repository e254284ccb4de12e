/**
 * The local Realtime service (`/realtime/v1/websocket`): postgres_changes over Phoenix, fed by
 * logical replication of the `supabase_realtime` publication, with the real server's RLS
 * semantics (reference §2). The gateway hands it upgrade requests whose `apikey` query is
 * already a JWT.
 *
 *   const realtime = createRealtimeService({ databaseUrl, keys, log });
 *   await realtime.ready();                       // replication stream running
 *   server.on('upgrade', realtime.handleUpgrade); // via the gateway
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import type { UpgradeService } from '../gateway/types.ts';
import { verifyToken, type StackKeys } from '../keys/index.ts';
import { Catalog } from './catalog.ts';
import type { Channel } from './channel.ts';
import { handleConnection } from './connection.ts';
import { createDispatcher } from './dispatch.ts';
import type { Vsn } from './protocol.ts';
import { startReplication, type ReplicationSource } from './replication.ts';

export interface RealtimeServiceOptions {
  /** Superuser (or replication-capable owner) URL of the app database. */
  databaseUrl: string;
  keys: StackKeys;
  log?: (line: string) => void;
  /** Defaults to `supabase_realtime`, as on hosted Supabase. */
  publication?: string;
}

export type RealtimeService = UpgradeService & { ready(): Promise<void> };

export function createRealtimeService(options: RealtimeServiceOptions): RealtimeService {
  const log = options.log ?? (() => {});
  const publication = options.publication ?? 'supabase_realtime';
  // A small pool for catalog reads and RLS checks; UTC so timestamps compare with pgoutput's.
  // node-postgres rather than postgres.js here: this pool is busy exactly when Postgres
  // restarts, and postgres.js 3.4.9 can crash the process when a socket closes mid-write
  // (porsager/postgres#1154, #1208).
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 4,
    application_name: 'mrprompt-realtime',
    options: '-c TimeZone=UTC',
  });
  pool.on('error', () => {}); // an idle client lost its server; the pool replaces it
  const catalog = new Catalog(pool, publication);
  const channels = new Set<Channel>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const dispatch = createDispatcher(pool, catalog, () => channels);

  const replication: Promise<ReplicationSource> = startReplication({
    databaseUrl: options.databaseUrl,
    pool,
    publication,
    onTransaction: dispatch,
    onRelation: (oid) => catalog.invalidate(oid),
    log,
  });
  replication.catch((error: unknown) => log(`realtime: could not start replication: ${String(error)}`));
  let stopped = false;

  return {
    async ready() {
      await (await replication).started;
    },

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
      verifyToken(options.keys, token).then(
        (claims) => {
          if (socket.destroyed) return;
          wss.handleUpgrade(req, socket, head, (ws) => {
            handleConnection(ws, { keys: options.keys, pool, catalog, channels, log }, { token, claims: { ...claims, role: String(claims.role) }, vsn });
          });
        },
        (error: unknown) => refuse(socket, 401, `Invalid token: ${error instanceof Error ? error.message : 'unverifiable'}`),
      );
    },

    async stop() {
      stopped = true;
      for (const client of wss.clients) client.terminate();
      wss.close();
      channels.clear();
      await (await replication.catch(() => null))?.stop();
      await pool.end();
    },
  };
}

/** Realtime's handshake errors are plain HTTP responses with `{"error": …}` (§2.1). */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = status === 401 ? 'Unauthorized' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
