/**
 * A client checked out of a node-postgres pool, watched for its server going away.
 *
 * pg-pool drops its own error listener while a client is checked out, so a server that ends
 * the connection then (a restart: 57P01) makes the client emit 'error' with nobody listening —
 * an uncaught exception that would take the whole stack down. The listener has to be on the
 * client before anything else the client reads is parsed: a new connection's ReadyForQuery
 * hands the client over synchronously, and when the server's error arrived in the same read,
 * it is parsed right after, before the continuation of an `await pool.connect()` runs. So the
 * client is taken with the callback form of `connect`, and the listener attached in it.
 */
import type pg from 'pg';

export interface CheckedOutClient {
  client: pg.PoolClient;
  /** Gives the client back to the pool; it is discarded when it was lost or `broken` is an error. */
  release(broken?: unknown): void;
}

export function checkOut(pool: pg.Pool): Promise<CheckedOutClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client, done) => {
      if (error || !client) return reject(error ?? new Error('the pool gave no client'));
      let lost: Error | undefined;
      // The statement in flight, if any, fails on its own; the client is discarded on release.
      const onError = (cause: Error) => (lost = cause);
      client.on('error', onError);
      resolve({
        client,
        release(broken) {
          client.off('error', onError);
          done(lost ?? (broken instanceof Error ? broken : undefined));
        },
      });
    });
  });
}
