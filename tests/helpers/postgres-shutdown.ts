/**
 * A server that completes a client's start-up and, in the same write as its ReadyForQuery, ends
 * the connection the way Postgres does on a fast shutdown (FATAL 57P01): what a new connection
 * can read while Postgres restarts. Node clients parse the whole read at once, so whatever they
 * do after the connection is "ready" happens only after the server has already gone away.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const authenticationOk = message('R', Buffer.from([0, 0, 0, 0]));
const readyForQuery = message('Z', Buffer.from('I'));
const shutdown = message('E', Buffer.from('SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0'));

export interface ShutdownServer {
  port: number;
  close(): Promise<void>;
}

export async function startShutdownServer(): Promise<ShutdownServer> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    // The start-up message is the first thing a client sends; answer it once.
    socket.once('data', () => socket.end(Buffer.concat([authenticationOk, readyForQuery, shutdown])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs `work` and reports the exceptions nobody caught meanwhile. */
export async function uncaughtDuring(work: () => Promise<void>): Promise<Error[]> {
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
