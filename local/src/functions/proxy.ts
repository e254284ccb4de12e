/**
 * Forwards one request to a function's Deno process and its answer back, streaming both
 * ways: nothing is buffered, so Server-Sent Events reach the client chunk by chunk, and a
 * client that goes away aborts the upstream request (the function's `request.signal`
 * fires).
 */
import http2 from 'node:http2';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson } from '../json-response.ts';
import type { FunctionConnections } from './connections.ts';

/** Connection-level headers that describe one hop, not the message (RFC 9110 §7.6.1); HTTP/2
 * forbids them (RFC 9113 §8.2.2). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** The Edge Runtime's 503 for a worker that is not (yet, or any more) running. */
export const BOOT_ERROR = { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' };
/** Its 500 for a worker that died while handling the request. */
export const WORKER_ERROR = { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' };

export function proxyRequest(req: IncomingMessage, res: ServerResponse, target: FunctionConnections): Promise<void> {
  return new Promise((resolve) => {
    let upstream: http2.ClientHttp2Stream;
    try {
      upstream = target.request(forwardHeaders(req));
    } catch {
      // The process exited between acquiring it and now (it is being restarted).
      sendJson(res, 503, BOOT_ERROR);
      return resolve();
    }

    let answered = false;
    upstream.on('response', (headers) => {
      answered = true;
      res.writeHead(Number(headers[':status'] ?? 502), responseHeaders(headers));
      // Headers go out now: supabase-js hands an event stream to the caller on headers.
      res.flushHeaders();
      // pipe() with the two failure paths handled here, not stream.pipeline(): pipeline gives
      // every pair of streams an AbortController, end-of-stream watchers and, when torn down,
      // DOMExceptions — a measurable share of the gateway's CPU at hundreds of chats at once.
      upstream.pipe(res);
    });
    // The function died (its stream was reset or its connection lost): before its answer, the
    // client gets the runtime's error; mid-answer, the connection cut, not a clean end.
    upstream.once('close', () => {
      if (answered) {
        if (!upstream.readableEnded) res.destroy();
      } else if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, WORKER_ERROR);
        resolve();
      }
    });
    res.once('close', () => resolve());
    res.on('error', () => upstream.destroy());

    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered && !res.headersSent) {
        // Refused: the process exited before we noticed (it is being restarted).
        const [status, body] = refused(error) ? [503, BOOT_ERROR] : [500, WORKER_ERROR];
        sendJson(res, status, body);
      } else {
        res.destroy();
      }
      resolve();
    });

    // The client left before the answer finished: cancel the stream so the function sees it
    // (its request.signal aborts).
    res.on('close', () => {
      if (!res.writableFinished && !upstream.closed) upstream.close(http2.constants.NGHTTP2_CANCEL);
    });

    req.pipe(upstream);
    req.on('error', () => upstream.destroy());
  });
}

/** The connection to the process was refused, so the request never reached it. */
function refused(error: NodeJS.ErrnoException): boolean {
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  return error.code === 'ECONNREFUSED' || cause?.code === 'ECONNREFUSED';
}

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ':method': req.method ?? 'GET',
    ':path': req.url ?? '/',
    ':scheme': 'http',
    ':authority': req.headers.host ?? '127.0.0.1',
  };
  for (const [name, value] of Object.entries(req.headers)) {
    // `Expect: 100-continue` was already answered by our own server; Host is `:authority`.
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'expect' && name !== 'host') headers[name] = value;
  }
  // The gateway sets these; a service mounted on its own still gets them.
  const peer = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] ??= peer;
  headers['x-real-ip'] ??= peer;
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith(':')) out[name] = value;
  }
  return out;
}
