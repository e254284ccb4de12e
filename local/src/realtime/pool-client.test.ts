import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startShutdownServer, uncaughtDuring, type ShutdownServer } from '../../../tests/helpers/postgres-shutdown.ts';
import { checkOut } from './pool-client.ts';

let server: ShutdownServer;
beforeAll(async () => {
  server = await startShutdownServer();
});
afterAll(() => server.close());

function newPool(): pg.Pool {
  const pool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'u', database: 'd', max: 1 });
  pool.on('error', () => {});
  return pool;
}

it('an awaited pool.connect() hands the client over too late to hear that its server went away', async () => {
  const pool = newPool();
  const uncaught = await uncaughtDuring(async () => {
    const client = await pool.connect();
    client.on('error', () => {});
    client.release(true);
  });
  await pool.end();
  expect(uncaught.map((error) => error.message)).toEqual(['terminating connection due to administrator command']);
});

it('checkOut listens from the moment the pool hands the client over, and discards it on release', async () => {
  const pool = newPool();
  const uncaught = await uncaughtDuring(async () => {
    const { client, release } = await checkOut(pool);
    await expect(client.query('select 1')).rejects.toThrow();
    release();
  });
  expect(uncaught).toEqual([]);
  expect(pool.totalCount).toBe(0);
  await pool.end();
});
