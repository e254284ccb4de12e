/**
 * A fetch that connects only to addresses that were already checked: the URL guard resolves
 * the name once, and this transport hands exactly those addresses to the socket through
 * node:http(s)'s `lookup` option (https://nodejs.org/api/net.html#socketconnectoptions-connectlistener),
 * so no second DNS question is ever asked. The request keeps the URL's host name for the
 * Host header, TLS SNI and certificate checks, as any request does. node:http is used
 * because it streams and honours `lookup` on Node and on Deno alike (undici's fetch stalls
 * on streamed bodies under Deno).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export interface PinnedTarget {
  /** The URL's host name, as the request names it. */
  hostname: string;
  /** Addresses the guard approved for it, tried in order. */
  addresses: string[];
}

/** Makes a transport bound to a checked target (injectable for tests). */
export type PinnedFetchFactory = (target: PinnedTarget) => typeof fetch;

const NULL_BODY = new Set([101, 204, 205, 304]);

export const createPinnedFetch: PinnedFetchFactory = (target) => {
  const approved = target.addresses.map((address) => ({ address, family: isIP(address) }));
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (hostname.replace(/^\[|\]$/g, '') !== target.hostname) {
      callback(Object.assign(new Error(`refused: connection pinned to ${target.hostname}`), { code: 'ENOTFOUND' }));
    } else if (options.all) {
      callback(null, approved);
    } else {
      callback(null, approved[0]!.address, approved[0]!.family);
    }
  }) as unknown as LookupFunction;

  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    if (body) headers['content-length'] = String(body.length);
    const signal = init?.signal ?? null;
    signal?.throwIfAborted();

    return await new Promise<Response>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      // agent: false — a fresh socket per call, never one pooled for another address.
      const req = client.request(url, { method: request.method, headers, lookup, agent: false });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      req.on('response', (res) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, item);
        }
        const status = res.statusCode ?? 502;
        let cancelled = () => {};
        const stream = NULL_BODY.has(status)
          ? null
          : new ReadableStream<Uint8Array>({
              start(controller) {
                // Once closed, errored or cancelled, a stream controller throws on use; late
                // socket events must not turn into uncaught exceptions.
                let open = true;
                const finish = (error?: unknown) => {
                  if (!open) return;
                  open = false;
                  signal?.removeEventListener('abort', onAbort);
                  if (error === undefined) controller.close();
                  else controller.error(error);
                };
                res.on('data', (chunk: Buffer) => {
                  if (open) controller.enqueue(new Uint8Array(chunk));
                });
                res.on('end', () => finish());
                res.on('error', (error) => finish(error));
                res.on('close', () => finish(signal?.aborted ? signal.reason : new Error('connection closed before the body ended')));
                cancelled = () => {
                  open = false;
                  signal?.removeEventListener('abort', onAbort);
                };
              },
              cancel() {
                cancelled();
                req.destroy();
              },
            });
        if (!stream) res.resume();
        resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
      });
      req.end(body ?? undefined);
    });
  }) as typeof fetch;
};
