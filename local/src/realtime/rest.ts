/**
 * Broadcast over HTTP (https://supabase.com/docs/guides/realtime/broadcast#broadcast-using-the-rest-api),
 * as hosted Realtime's BroadcastController and BroadcastSingleController answer it. The gateway
 * strips `/realtime/v1` and maps API keys to JWTs in Authorization.
 *
 *   POST /api/broadcast {messages: [{topic, event, payload, private?, id?}]}   → 202
 *   POST /api/broadcast/<topic>/events/<event>[?private=true]  body = payload  → 202
 *     (JSON object, or raw bytes as application/octet-stream: a binary broadcast)
 *
 * Public messages go out as they are. Private ones need the caller's RLS insert policy on
 * realtime.messages for that topic (checked once per topic and request; the service role
 * bypasses RLS): in a batch, refused topics are dropped silently; the single route answers 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { authorizeWrite, isPolicyError, writesPastPolicies, type AuthorizationContext } from './authorization.ts';
import type { Hub } from './hub.ts';
import type { OutgoingBroadcast } from './topics.ts';
import { sendJson } from '../json-response.ts';

/** Hosted's default tenant limit (max_payload_size_in_kb = 3000). */
const MAX_BODY_BYTES = 3000 * 1024;

const messageSchema = z.object({
  topic: z.string().min(1, "can't be blank"),
  event: z.string().min(1, "can't be blank"),
  payload: z.record(z.string(), z.unknown(), { error: "can't be blank" }),
  private: z.boolean().nullable().optional(),
  id: z.string().optional(),
});
const batchSchema = z.object({ messages: z.array(z.unknown()).min(1, "can't be blank") });

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'string' ? body : 'request refused');
  }
}

export function createBroadcastApi(hub: Hub): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://realtime.invalid');
      const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)\/?$/.exec(url.pathname);
      if (req.method !== 'POST' || (!single && !/^\/api\/broadcast\/?$/.test(url.pathname))) {
        throw new HttpError(404, { message: 'not found' });
      }
      const auth = await authenticate(hub, req);
      const bytes = await readBody(req);
      if (single) {
        const [topic, event] = [decodePart(single[1]), decodePart(single[2])];
        const message = singleMessage(event, bytes, String(req.headers['content-type'] ?? ''));
        const isPrivate = url.searchParams.get('private') === 'true';
        if (isPrivate && !(await mayWrite(hub, { ...auth, topic }))) throw new HttpError(403, { message: 'Unauthorized' });
        publish(hub, topic, isPrivate, message);
      } else {
        await broadcastBatch(hub, auth, parseJson(bytes));
      }
      res.writeHead(202, { 'Content-Length': '0' });
      res.end();
    } catch (error) {
      if (!(error instanceof HttpError)) hub.log(`realtime: broadcast API failed: ${error instanceof Error ? error.message : String(error)}`);
      const status = error instanceof HttpError ? error.status : 500;
      sendJson(res, status, error instanceof HttpError ? error.body : { message: 'Unknown error' });
    }
  };
}

async function broadcastBatch(hub: Hub, auth: Omit<AuthorizationContext, 'topic'>, body: unknown): Promise<void> {
  const batch = batchSchema.safeParse(body);
  if (!batch.success) throw new HttpError(422, { errors: { messages: ["can't be blank"] } });
  const parsed = batch.data.messages.map((m) => messageSchema.safeParse(m));
  if (parsed.some((p) => !p.success)) {
    const errors = parsed.map((p) => (p.success ? {} : z.flattenError(p.error).fieldErrors));
    throw new HttpError(422, { errors: { messages: errors } });
  }
  const messages = parsed.map((p) => p.data!);
  // Private topics: one policy check per topic, before anything is sent.
  const allowed = new Map<string, boolean>();
  for (const message of messages) {
    if (message.private && !allowed.has(message.topic)) allowed.set(message.topic, await mayWrite(hub, { ...auth, topic: message.topic }));
  }
  for (const message of messages) {
    if (message.private && !allowed.get(message.topic)) continue;
    const outgoing: OutgoingBroadcast = { event: message.event, json: { value: message.payload }, binary: false };
    if (message.id !== undefined) outgoing.meta = { id: message.id };
    publish(hub, message.topic, message.private === true, outgoing);
  }
}

function publish(hub: Hub, topic: string, isPrivate: boolean, message: OutgoingBroadcast): void {
  hub.topics.broadcast(topic, isPrivate, message);
}

async function mayWrite(hub: Hub, context: AuthorizationContext): Promise<boolean> {
  try {
    if (await writesPastPolicies(hub.pool, context.role)) return true;
    return (await authorizeWrite(hub.pool, context, ['broadcast'])).broadcast === true;
  } catch (error) {
    if (!isPolicyError(error)) throw error;
    hub.log(`realtime: write policy check on ${context.topic} failed: ${(error as Error).message}`);
    return false;
  }
}

/** Hosted AuthTenant: the bearer token, else the apikey header; a JWT with role and exp. */
async function authenticate(hub: Hub, req: IncomingMessage): Promise<Omit<AuthorizationContext, 'topic'>> {
  const header = req.headers.authorization;
  const bearer = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : '';
  const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : '';
  const token = bearer || apikey;
  try {
    if (!token) throw new Error('no token');
    const claims = await hub.verify(token);
    if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') throw new Error('missing claims');
    return { role: claims.role, claims };
  } catch {
    throw new HttpError(401, { message: 'Unauthorized' });
  }
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(404, { message: 'not found' });
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { message: 'Payload too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, { message: 'Malformed JSON body' });
  }
}

/** httpSend's body: a JSON object, or raw bytes (`application/octet-stream`) sent as a binary broadcast. */
function singleMessage(event: string, bytes: Buffer, contentType: string): OutgoingBroadcast {
  if (contentType.startsWith('application/octet-stream')) {
    if (bytes.length === 0) throw new HttpError(422, { errors: { payload: ["can't be blank"] } });
    return { event, bytes: { encoding: 0, data: bytes }, binary: true };
  }
  const body = parseJson(bytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(422, { errors: { payload: ["can't be blank"] } });
  }
  return { event, json: { value: body }, binary: false };
}
