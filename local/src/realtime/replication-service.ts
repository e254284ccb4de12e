/**
 * pg-logical-replication's service, with its replication connection listened to from the start.
 *
 * pg-logical-replication 2.5.0 (pinned in package.json) opens its connection in a private
 * `client()` that attaches the error listener only after `await connect()`. A connection that
 * finishes its start-up just as Postgres shuts down reads ReadyForQuery and FATAL 57P01 in one
 * go: node-postgres resolves `connect()` and parses the error in the same turn, before that
 * continuation runs, and emits 'error' with nobody listening — an uncaught exception that takes
 * the whole local stack down (the same race `pool-client.ts` closes for pooled clients). This
 * gives the service a `client()` that listens before it connects; everything else is the
 * library's. replication-service.test.ts shows the library's own behaviour, so an upgrade that
 * fixes it (or renames what is replaced here) is noticed.
 */
import { LogicalReplicationService, type LogicalReplicationConfig } from 'pg-logical-replication';
import pg from 'pg';

/** What the library's `client()` reads and fills in (dist/logical-replication-service.js). */
interface ServiceInternals {
  readonly clientConfig: pg.ClientConfig;
  client(): Promise<[pg.Client, unknown]>;
  _client: pg.Client | null;
  _connection: unknown;
  stop(): Promise<unknown>;
  emit(event: 'error', error: unknown): boolean;
}

export function newReplicationService(
  clientConfig: pg.ClientConfig,
  config: Partial<LogicalReplicationConfig>,
): LogicalReplicationService {
  const service = new LogicalReplicationService(clientConfig, config);
  const internals = service as unknown as ServiceInternals;
  if (typeof internals.client !== 'function' || !('_client' in internals) || !('_connection' in internals)) {
    throw new Error('pg-logical-replication no longer opens its connection in client(): review replication-service.ts');
  }
  const client = async (): Promise<[pg.Client, unknown]> => {
    await internals.stop();
    const replication = new pg.Client({ ...internals.clientConfig, replication: 'database' } as pg.ClientConfig);
    internals._client = replication;
    // Before connect: a failed start-up only rejects connect() (node-postgres emits 'error' for
    // it only when nobody waits on connect), so nothing is reported twice.
    replication.on('error', (error) => internals.emit('error', error));
    await replication.connect();
    const connection = (replication as unknown as { connection: unknown }).connection;
    internals._connection = connection;
    return [replication, connection];
  };
  Object.defineProperty(service, 'client', { value: client });
  return service;
}
