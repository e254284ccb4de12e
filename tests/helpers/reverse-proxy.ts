/**
 * A reverse proxy as an operator puts in front of `npm start` with MRPROMPT_PUBLIC_URL (Caddy,
 * nginx): Supabase's API paths to the gateway, everything else to the web app, WebSocket
 * upgrades passed through, the original Host kept and the peer appended to X-Forwarded-For.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const API_PATHS = /^\/(auth|rest|realtime|storage|functions|graphql)\/v1(\/|\?|$)/;

export interface ReverseProxy {
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0: any) of 127.0.0.1; the stack is told its address before it starts. */
export async function startReverseProxy(apiUrl: string, webUrl: string, port = 0): Promise<ReverseProxy> {
  const targetOf = (path = '/') => new URL(API_PATHS.test(path) ? apiUrl : webUrl);
  const forwarded = (req: http.IncomingMessage) => ({
    'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', '),
    'x-forwarded-proto': 'http',
    'x-forwarded-host': req.headers.host ?? '',
  });
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const target = targetOf(req.url);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, ...forwarded(req) } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('bad gateway');
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = targetOf(req.url);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const headers = { ...req.headers, ...forwarded(req) };
      const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
