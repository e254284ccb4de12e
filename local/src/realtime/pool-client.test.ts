import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkOut } from './pool-client.ts';

// A server that completes the start-up and, in the same write as its ReadyForQuery, ends the
// connection the way Postgres does on a fast shutdown (FATAL 57P01): what a new pool client can
// read while Postgres restarts.
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const authenticationOk = message('R', Buffer.from([0, 0, 0, 0]));
const readyForQuery = message('Z', Buffer.from('I'));
const shutdown = message('E', Buffer.from('SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0'));

let server: net.Server;
let port: number;
beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    // The start-up message is the first thing a client sends; answer it once.
    socket.once('data', () => socket.end(Buffer.concat([authenticationOk, readyForQuery, shutdown])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function newPool(): pg.Pool {
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'u', database: 'd', max: 1 });
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` and reports the exceptions nobody caught meanwhile. */
async function uncaughtDuring(work: () => Promise<void>): Promise<Error[]> {
  const uncaught: Error[] = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const record = (error: Error) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', record);
    for (const listener of listeners) process.on('uncaughtException', listener);
  }
  return uncaught;
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
