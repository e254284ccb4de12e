/**
 * Forwards one request to a function's Deno process and its answer back, streaming both
 * ways: nothing is buffered, so Server-Sent Events reach the client chunk by chunk, and a
 * client that goes away aborts the upstream request (the function's `request.signal`
 * fires).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { sendJson } from '../json-response.ts';

/** Connection-level headers that describe one hop, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

export interface ProxyTarget {
  port: number;
  agent: http.Agent;
}

/** The Edge Runtime's 503 for a worker that is not (yet, or any more) running. */
export const BOOT_ERROR = { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' };
/** Its 500 for a worker that died while handling the request. */
export const WORKER_ERROR = { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' };

export function proxyRequest(req: IncomingMessage, res: ServerResponse, target: ProxyTarget): Promise<void> {
  return new Promise((resolve) => {
    const upstream = http.request({
      host: '127.0.0.1',
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req),
      agent: target.agent,
    });

    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.headers));
      // Headers go out now: supabase-js hands an event stream to the caller on headers.
      res.flushHeaders();
      // pipe() with the two failure paths handled here, not stream.pipeline(): pipeline gives
      // every pair of streams an AbortController, end-of-stream watchers and, when torn down,
      // DOMExceptions — a measurable share of the gateway's CPU at hundreds of chats at once.
      answer.pipe(res);
      // The function died mid-answer: the client sees the connection cut, not a clean end.
      answer.on('error', () => res.destroy());
      answer.once('close', () => {
        if (!answer.complete) res.destroy();
      });
    });
    res.once('close', () => resolve());
    res.on('error', () => upstream.destroy());

    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        // Refused: the process exited before we noticed (it is being restarted).
        const [status, body] = error.code === 'ECONNREFUSED' ? [503, BOOT_ERROR] : [500, WORKER_ERROR];
        sendJson(res, status, body);
      } else {
        res.destroy();
      }
      resolve();
    });

    // The client left before the answer finished: abort upstream so the function sees it.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });

    req.pipe(upstream);
    req.on('error', () => upstream.destroy());
  });
}

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // `Expect: 100-continue` was already answered by our own server.
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'expect') headers[name] = value;
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
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
