import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { FunctionConnections } from './connections.ts';

// An HTTP/2 cleartext server that allows 2 streams per connection (Deno allows 200): `/hold`
// answers its headers and keeps the stream open until the client ends it.
let server: http2.Http2Server;
let port: number;
const sessions = new Set<http2.ServerHttp2Session>();
beforeAll(async () => {
  server = http2.createServer({ settings: { maxConcurrentStreams: 2 } });
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.respond({ ':status': 200, 'x-path': String(headers[':path']) });
    if (headers[':path'] === '/hold') stream.write('held');
    else stream.end('done');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

let connections: FunctionConnections | undefined;
afterEach(() => connections?.close());

function open(pool: FunctionConnections, path: string): Promise<http2.ClientHttp2Stream> {
  const stream = pool.request({ ':path': path });
  stream.end();
  return new Promise((resolve, reject) => {
    stream.once('response', () => resolve(stream));
    stream.once('error', reject);
  });
}

it('multiplexes requests on one connection up to the server\'s stream limit, then opens another', async () => {
  connections = new FunctionConnections(port);
  const first = await open(connections, '/hold');
  const second = await open(connections, '/hold');
  expect(sessions.size).toBe(1);
  // The server's limit (2) is reached: the next request does not queue behind them.
  const third = await open(connections, '/hold');
  expect(sessions.size).toBe(2);

  // A finished stream frees its place on the first connection.
  first.close(http2.constants.NGHTTP2_CANCEL);
  await new Promise((resolve) => first.once('close', resolve));
  const fourth = await open(connections, '/hold');
  expect(sessions.size).toBe(2);
  for (const stream of [second, third, fourth]) stream.close(http2.constants.NGHTTP2_CANCEL);
});

it('close() ends the requests in flight and refuses new ones', async () => {
  connections = new FunctionConnections(port);
  const held = await open(connections, '/hold');
  const closed = new Promise((resolve) => held.once('close', resolve));
  connections.close();
  await closed;
  expect(held.readableEnded).toBe(false);
  expect(() => connections!.request({ ':path': '/' })).toThrow(/gone/);
});

it('reports a refused connection as the stream\'s error, with ECONNREFUSED as its cause', async () => {
  const probe = http2.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const freePort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));

  connections = new FunctionConnections(freePort);
  const error = await open(connections, '/').then(() => undefined, (caught: NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }) => caught);
  expect(error?.cause?.code ?? error?.code).toBe('ECONNREFUSED');
  // The failed connection is dropped: a process listening there later is reached again.
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect((connections as unknown as { connections: unknown[] }).connections).toHaveLength(0);
});
