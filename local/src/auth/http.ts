/**
 * Request/response plumbing for the auth service: bounded JSON bodies validated with zod,
 * and errors shaped the way auth-js parses them (https://supabase.com/docs/guides/auth/debugging/error-codes) — `{code, message}` plus the legacy
 * `error_code`/`msg`, the `X-Supabase-Api-Version` header and `x-sb-error-code`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { addressKey } from '../../../supabase/functions/api/lib/client-address.ts';
import { sendJson as sendJsonResponse } from '../json-response.ts';

export const API_VERSION = '2024-01-01';
const MAX_BODY_BYTES = 64 * 1024;
/**
 * GoTrue's JSON decoder (Go's encoding/json) refuses nesting deeper than 10000 as bad_json;
 * Node's JSON.stringify, which stores and answers user metadata here, overflows the stack
 * at a few thousand, so the same refusal comes sooner (a 500 otherwise).
 */
const MAX_JSON_DEPTH = 512;

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Auth answers carry sessions and user data: never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonResponse(res, status, body, { 'Cache-Control': 'no-store', ...headers });
}

export function sendError(res: ServerResponse, error: AuthError): void {
  sendJson(
    res,
    error.status,
    { code: error.code, error_code: error.code, message: error.message, msg: error.message, ...error.extra },
    { 'X-Supabase-Api-Version': API_VERSION, 'x-sb-error-code': error.code, ...error.headers },
  );
}

/** Reads and validates a JSON object body; an empty body counts as `{}`. */
export async function readBody<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new AuthError(413, 'request_too_large', 'Request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
    }
    if (!depthWithin(json, MAX_JSON_DEPTH)) throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON: exceeded max depth');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AuthError(400, 'validation_failed', `${where}${issue?.message ?? 'invalid request body'}`);
  }
  return result.data;
}

/** True when objects and arrays nest at most `max` deep (iterative: any depth is safe to ask about). */
function depthWithin(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (depth > max) return false;
    for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push([child, depth + 1]);
  }
  return true;
}

/** The bearer token of a request, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** The client address the gateway vouched for (X-Real-IP), else the socket peer: what a
 * session records. Per-address limits count by `clientKey` instead. */
export function clientIp(req: IncomingMessage): string {
  const real = req.headers['x-real-ip'];
  return (Array.isArray(real) ? real[0] : real) || req.socket.remoteAddress || 'unknown';
}

/**
 * The one client every per-address limit of Auth counts a request against: an IPv4 address,
 * an IPv6 /64 (one subscriber is given a whole /64 and may pick any address in it, so each
 * address of it must not be a fresh budget), an IPv4-mapped address as the IPv4 address — the
 * API's rule for its per-address limit, kept in one place (`addressKey`). Whatever does not
 * parse (no gateway in front, an odd proxy entry) shares one bucket rather than getting one
 * of its own per spelling.
 */
export function clientKey(req: IncomingMessage): string {
  return addressKey(clientIp(req)) ?? 'unparsed';
}
