/**
 * CORS for the API surface (https://supabase.com/docs/guides/functions/cors): what GoTrue and supabase-js's `corsHeaders`
 * allow, and the response headers auth-js must be able to read from a browser — without
 * `X-Supabase-Api-Version` exposed it cannot pick the error code out of an error body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
export const ALLOWED_HEADERS = [
  'authorization', 'apikey', 'content-type', 'x-client-info', 'x-supabase-api-version',
  'x-region', 'x-retry-count', 'traceparent', 'tracestate', 'baggage', 'accept', 'range', 'prefer',
];
export const EXPOSED_HEADERS = 'X-Supabase-Api-Version, X-Total-Count, Link, Content-Range, X-Request-Id';

/** Headers every response carries. The API keys are not cookies, so `*` needs no credentials
 * mode; a service (the API function) may narrow Allow-Origin, and its value then wins. */
export function applyCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

/** Answers a preflight: 204 with the allowed methods and headers (the standard list plus
 * whatever the browser announced it will send). */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name));
  const headers = [...new Set([...ALLOWED_HEADERS, ...requested])].join(', ');
  res.writeHead(204, {
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': headers,
    'Access-Control-Max-Age': '86400',
    Vary: 'Origin, Access-Control-Request-Headers',
  });
  res.end();
}
