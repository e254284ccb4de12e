/**
 * The front door on 127.0.0.1:54321: the URL layout supabase-js derives from one project URL
 * (https://supabase.com/docs/guides/api). It owns CORS and the API-key mapping and hands each request, prefix stripped, to
 * the service behind it. Bodies are never buffered here: requests and responses stream
 * through, so a function's Server-Sent Events reach the client chunk by chunk.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { StackKeys } from '../keys/index.ts';
import { mapAuthorization, mapUpgradeUrl } from './api-keys.ts';
import { answerPreflight, applyCorsHeaders } from './cors.ts';
import type { HttpService, UpgradeService } from './types.ts';
import { sendJson } from '../json-response.ts';

export interface GatewayServices {
  auth?: HttpService;
  functions?: HttpService;
  /** The WebSocket, plus `/realtime/v1/api/*` (REST broadcast). */
  realtime?: UpgradeService & HttpService;
  storage?: HttpService;
}

export interface GatewayOptions {
  keys: StackKeys;
  port: number;
  host?: string;
  /** Filled in as services come up; a missing one answers 503. */
  services: GatewayServices;
  /**
   * How many reverse proxies you run in front of the gateway (each appends to
   * X-Forwarded-For). 0, the default: the socket peer is the client and X-Forwarded-For is
   * ignored, so no caller can pick the address it is rate-limited by.
   */
  trustedProxyDepth?: number;
  log?: (line: string) => void;
}

export interface Gateway {
  url: string;
  port: number;
  server: http.Server;
  stop(): Promise<void>;
}

/** GoTrue's routes that Kong passes through without rewriting Authorization. */
const OPEN_AUTH_ROUTES = /^\/(verify|callback|authorize)(\/|\?|$)/;
const NOT_SERVED = /^\/(rest|graphql|pg)\/v1(\/|\?|$)/;

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const { services, keys } = options;
  const log = options.log ?? (() => {});

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`gateway: ${req.method} ${pathOf(req.url)} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
      if (!res.headersSent) sendJson(res, 500, { code: 'unexpected_failure', message: 'Internal gateway error' });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = pathOf(url);
    setForwardedHeaders(req, keys, options.trustedProxyDepth ?? 0);

    if (path.startsWith('/functions/v1/')) {
      // As on hosted Supabase, a function owns its CORS: preflights reach it (verify_jwt
      // exempts OPTIONS) and no default Allow-Origin is added that could widen its allow-list.
      if (!services.functions) return unavailable(res, 'functions');
      req.headers.authorization = mapAuthorization(req.headers, keys);
      if (req.headers.authorization === undefined) delete req.headers.authorization;
      req.url = url.slice('/functions/v1'.length);
      return await services.functions.handle(req, res);
    }
    applyCorsHeaders(res);
    if (req.method === 'OPTIONS') return answerPreflight(req, res);
    if (path === '/auth/v1' || path.startsWith('/auth/v1/')) {
      if (!services.auth) return unavailable(res, 'auth');
      const rest = url.slice('/auth/v1'.length) || '/';
      if (!OPEN_AUTH_ROUTES.test(rest)) {
        const mapped = mapAuthorization(req.headers, keys);
        if (mapped === undefined) delete req.headers.authorization;
        else req.headers.authorization = mapped;
      }
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      return await services.auth.handle(req, res);
    }
    if (path === '/storage/v1' || path.startsWith('/storage/v1/')) {
      if (!services.storage) return unavailable(res, 'storage');
      const mapped = mapAuthorization(req.headers, keys);
      if (mapped === undefined) delete req.headers.authorization;
      else req.headers.authorization = mapped;
      const rest = url.slice('/storage/v1'.length) || '/';
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      return await services.storage.handle(req, res);
    }
    if (path.startsWith('/realtime/v1/api/')) {
      // Kong maps keys for /realtime/v1/api/* like the other HTTP routes
      // (https://supabase.com/docs/guides/api/api-keys).
      if (!services.realtime) return unavailable(res, 'realtime');
      const mapped = mapAuthorization(req.headers, keys);
      if (mapped === undefined) delete req.headers.authorization;
      else req.headers.authorization = mapped;
      req.url = url.slice('/realtime/v1'.length);
      return await services.realtime.handle(req, res);
    }
    if (NOT_SERVED.test(path)) {
      return sendJson(res, 404, {
        code: 'not_served',
        message: 'This local stack serves only /auth/v1, /realtime/v1, /storage/v1 and /functions/v1; app data is read and written through /functions/v1/api.',
      });
    }
    sendJson(res, 404, { message: 'no Route matched with those values' });
  }

  // server.close() waits for upgraded sockets, which closeAllConnections() does not cover: an
  // open browser tab would hold stop() until it went away. Track them to end them on stop.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const path = pathOf(req.url);
    if (path !== '/realtime/v1/websocket' && path !== '/realtime/v1/websocket/') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!services.realtime) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    setForwardedHeaders(req, keys, options.trustedProxyDepth ?? 0);
    req.url = mapUpgradeUrl(req.url ?? '/', keys);
    services.realtime.handleUpgrade(req, socket, head);
  });

  // Long SSE answers must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      });
    },
  };
}

/**
 * X-Real-IP is what auth rate-limits on. The client is the socket peer, or — behind
 * `trustedProxyDepth` proxies of your own — the address the outermost of them saw (the
 * X-Forwarded-For entry that many places from the right; entries further left are whatever
 * the caller typed). A server that signs people in on their behalf (the web app) vouches
 * for its user with `Sb-Forwarded-For`, honoured only with the secret key, as hosted
 * Supabase Auth's "IP address forwarding" does.
 */
function setForwardedHeaders(req: IncomingMessage, keys: StackKeys, trustedProxyDepth: number): void {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const chain = [...forwarded, peer];
  let client = chain[Math.max(0, chain.length - 1 - trustedProxyDepth)] ?? peer;
  const vouched = String(req.headers['sb-forwarded-for'] ?? '').split(',')[0]?.trim() ?? '';
  if (vouched && isIP(vouched) && req.headers.apikey === keys.secretKey) client = vouched;
  delete req.headers['sb-forwarded-for'];
  req.headers['x-real-ip'] = client;
  req.headers['x-forwarded-for'] = chain.join(', ');
  req.headers['x-forwarded-proto'] = 'http';
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

function unavailable(res: ServerResponse, service: string): void {
  sendJson(res, 503, { code: 'service_unavailable', message: `The ${service} service is not running` });
}

export type { HttpService, UpgradeService } from './types.ts';
