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
 *
 * Limits, as hosted's (limits.ts): a payload over the size limit is refused with 422 (nothing of
 * the batch is sent); the messages sent count against the messages per second, past which
 * requests get 429 — except the service role's, as on sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { authorizeWrite, isPolicyError, writesPastPolicies, type AuthorizationContext } from './authorization.ts';
import type { Hub } from './hub.ts';
import { payloadTooLarge, RateCounter, REST_BATCH_TOO_LARGE, REST_PAYLOAD_TOO_LARGE, REST_RATE_EXCEEDED, type RealtimeLimits } from './limits.ts';
import type { OutgoingBroadcast } from './topics.ts';
import { sendJson } from '../json-response.ts';

/** Hosted's default tenant limit (max_payload_size_in_kb = 3000). */
const MAX_BODY_BYTES = 3000 * 1024;

/** A batch message, as hosted's BatchBroadcast.message_changeset validates it (with validate_payload_size). */
const messageSchema = (limits: RealtimeLimits) =>
  z.object({
    topic: z.string().min(1, "can't be blank"),
    event: z.string().min(1, "can't be blank"),
    payload: z
      .record(z.string(), z.unknown(), { error: "can't be blank" })
      .refine((payload) => !payloadTooLarge(limits, Buffer.byteLength(JSON.stringify(payload))), REST_PAYLOAD_TOO_LARGE),
    private: z.boolean().nullable().optional(),
    id: z.string().optional(),
  });
const batchSchema = z.object({ messages: z.array(z.unknown()).min(1, "can't be blank") });

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'string' ? body : 'request refused');
  }
}

/** What the REST routes count: the messages they sent, per tenant, as hosted's events_per_second_rate. */
interface RestRate {
  counter: RateCounter;
  /** The caller is limited (not the service role, or another role that bypasses RLS). */
  limited(auth: Omit<AuthorizationContext, 'topic'>): Promise<boolean>;
}

export function createBroadcastApi(hub: Hub): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const rate: RestRate = {
    counter: new RateCounter(hub.limits.maxEventsPerSecond, hub.limits.rateTickMs),
    limited: async (auth) => !(await hub.catalog.bypassesRls(auth.role).catch(() => false)),
  };
  const schema = messageSchema(hub.limits);
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
        const message = singleMessage(hub.limits, event, bytes, String(req.headers['content-type'] ?? ''));
        const isPrivate = url.searchParams.get('private') === 'true';
        const limited = await rate.limited(auth);
        // Hosted SingleBroadcast.check_rate_limit: refused once the average reaches the limit.
        if (limited && rate.counter.average >= hub.limits.maxEventsPerSecond) throw new HttpError(429, { message: REST_RATE_EXCEEDED });
        if (isPrivate && !(await mayWrite(hub, { ...auth, topic }))) throw new HttpError(403, { message: 'Unauthorized' });
        publish(hub, topic, isPrivate, message);
        if (limited) rate.counter.add();
      } else {
        await broadcastBatch(hub, schema, rate, auth, parseJson(bytes));
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

async function broadcastBatch(
  hub: Hub,
  schema: ReturnType<typeof messageSchema>,
  rate: RestRate,
  auth: Omit<AuthorizationContext, 'topic'>,
  body: unknown,
): Promise<void> {
  const batch = batchSchema.safeParse(body);
  if (!batch.success) throw new HttpError(422, { errors: { messages: ["can't be blank"] } });
  const parsed = batch.data.messages.map((m) => schema.safeParse(m));
  if (parsed.some((p) => !p.success)) {
    const errors = parsed.map((p) => (p.success ? {} : z.flattenError(p.error).fieldErrors));
    throw new HttpError(422, { errors: { messages: errors } });
  }
  const messages = parsed.map((p) => p.data!);
  // Hosted BatchBroadcast.check_rate_limit: over the limit already, or this batch would take it past.
  const limited = await rate.limited(auth);
  if (limited) {
    const average = rate.counter.average;
    if (average > hub.limits.maxEventsPerSecond) throw new HttpError(429, { message: REST_RATE_EXCEEDED });
    if (messages.length + average > hub.limits.maxEventsPerSecond) throw new HttpError(429, { message: REST_BATCH_TOO_LARGE });
  }
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
    if (limited) rate.counter.add();
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

/**
 * httpSend's body: a JSON object, or raw bytes (`application/octet-stream`) sent as a binary
 * broadcast; either within the payload size (hosted SingleBroadcast.validate_payload_size).
 */
function singleMessage(limits: RealtimeLimits, event: string, bytes: Buffer, contentType: string): OutgoingBroadcast {
  if (contentType.startsWith('application/octet-stream')) {
    if (bytes.length === 0) throw new HttpError(422, { errors: { payload: ["can't be blank"] } });
    if (payloadTooLarge(limits, bytes.length)) throw new HttpError(422, { errors: { payload: [REST_PAYLOAD_TOO_LARGE] } });
    return { event, bytes: { encoding: 0, data: bytes }, binary: true };
  }
  const body = parseJson(bytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(422, { errors: { payload: ["can't be blank"] } });
  }
  if (payloadTooLarge(limits, Buffer.byteLength(JSON.stringify(body)))) throw new HttpError(422, { errors: { payload: [REST_PAYLOAD_TOO_LARGE] } });
  return { event, json: { value: body }, binary: false };
}
