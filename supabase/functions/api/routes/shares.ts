/**
 * Share links and forks. The owner makes a read-only link to a chat (POST/GET/DELETE
 * /sessions/{id}/share); anyone holding it — signed out too — reads it at /shared/{token};
 * "Fork" copies a chat (one's own, or a shared one) into a new session of the caller, with the
 * files the caller attached; it says how many files other people attached were left out.
 * The rules live in the database (public.share_session, get_shared_*, fork_session): the
 * token is drawn there, links are found by its hash, and the functions return no user id or
 * email. The owner sees the link again: the token is kept sealed for them (lib/share-link-seal.ts).
 * A chat that is not shared is a normal state, answered 200 `{shared: false}`, not 404.
 * Reading a link is counted per client address (lib/address-rate-limit.ts): it needs no account.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import postgres from 'postgres';
import { publicReadRateLimit } from '../lib/address-rate-limit.ts';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { rethrowRefusal } from '../lib/db-errors.ts';
import { cursorTimestampSql, decodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { optionalQuery } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { cursorParam, limitParam, takePage } from '../lib/pagination.ts';
import { openShareToken, sealShareToken } from '../lib/share-link-seal.ts';

// Postgres timestamps serialise to ISO strings.
const timestamp = z.string().openapi({ format: 'date-time' });

const ShareSettings = z.strictObject({
  live: z.boolean().default(false).openapi({ description: 'Show messages written after sharing too (default: a snapshot)' }),
}).openapi('ShareSettings');
const ShareSchema = z.object({ live: z.boolean(), shared_at: timestamp }).openapi('Share');
const NewShareSchema = ShareSchema.extend({
  token: z.string().openapi({ description: 'The link\'s token; GET /sessions/{id}/share shows it to the owner again' }),
  path: z.string().openapi({ description: 'Web app path of the shared view, e.g. /s/<token>' }),
}).openapi('NewShare');
const ShareState = z.union([
  z.object({ shared: z.literal(false) }),
  ShareSchema.extend({
    shared: z.literal(true),
    token: z.string().nullable().openapi({ description: 'Null for a link made before links were kept (replace it to get one that is)' }),
    path: z.string().nullable().openapi({ description: 'Web app path of the shared view, e.g. /s/<token>; null with token' }),
  }),
]).openapi('ShareState');
const ForkRequest = z.strictObject({
  message_id: z.uuid().optional().openapi({ description: 'Copy up to and including this message (default: all)' }),
}).openapi('ForkRequest');
const ForkResult = z.object({
  session_id: z.uuid(),
  files_left_out: z.number().int().min(0).openapi({
    description: "Files on the copied messages that someone else attached, which the fork does not copy (they stay theirs); 0 when none",
  }),
}).openapi('ForkResult');

const SharedMessage = z.object({
  id: z.uuid(),
  sender: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  status: z.enum(['complete', 'stopped', 'error']),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  created_at: timestamp,
  author_name: z.string().nullable().optional().openapi({
    description: "Group chats' questions only: who asked (display name, never an email); null for a deleted account",
  }),
}).openapi('SharedMessage');
const SharedChat = z.object({
  title: z.string(),
  live: z.boolean(),
  shared_at: timestamp,
  messages: z.array(SharedMessage).openapi({ description: 'Oldest to newest' }),
  next_cursor: z.string().nullable().openapi({ description: 'Pass as `before` for older messages' }),
}).openapi('SharedChat');

// 43 base64url characters (32 random bytes); anything else cannot be a token.
const TokenParam = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a share token').openapi({ param: { name: 'token', in: 'path' } }),
});
const SharedQuery = z.strictObject({
  limit: limitParam(50, 100),
  before: optionalQuery(cursorParam).openapi({ param: { name: 'before', in: 'query' } }),
});

const tags = ['sharing'];
const IdParams = UuidParam();
const NO_DATA_FOUND = 'P0002';

/** share_session says "no such session" (P0002): the caller sees a plain 404. */
function sessionNotFound(error: unknown): never {
  if (error instanceof postgres.PostgresError && error.code === NO_DATA_FOUND) throw notFound('Session');
  throw error;
}

/** fork_session's refusals (lib/db-errors.ts), a missing source named as the caller named it. */
function forkRefused(source: string) {
  return (error: unknown): never => {
    if (error instanceof postgres.PostgresError && error.code === 'MRF02') throw notFound(source);
    return rethrowRefusal(error);
  };
}

const sessionRoutes = {
  create: createRoute({
    method: 'post', path: '/{id}/share', tags, security,
    summary: 'Create (or replace) the read-only link to a session',
    request: { params: IdParams, body: jsonBody(ShareSettings) },
    responses: { 201: jsonResponse(NewShareSchema, 'The new link; its token is shown only now'), ...errorResponses(400, 401, 404) },
  }),
  get: createRoute({
    method: 'get', path: '/{id}/share', tags, security,
    summary: "Whether the session is shared, and its link (for the owner only)",
    request: { params: IdParams },
    responses: { 200: jsonResponse(ShareState, '`{shared: false}`, or the link and its settings'), ...errorResponses(400, 401, 404) },
  }),
  revoke: createRoute({
    method: 'delete', path: '/{id}/share', tags, security,
    summary: 'Revoke the link: it answers 404 from now on',
    request: { params: IdParams },
    responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 404) },
  }),
  fork: createRoute({
    method: 'post', path: '/{id}/fork', tags, security,
    summary: 'Copy this session (up to a message) into a new session of yours (its owner, members and viewers may)',
    request: { params: IdParams, body: jsonBody(ForkRequest) },
    responses: { 201: jsonResponse(ForkResult, 'The new session'), ...errorResponses(400, 401, 404, 429) },
  }),
};

export const sessionSharesRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionSharesRoutes.use('*', requireUser);

sessionSharesRoutes.openapi(sessionRoutes.create, async (c) => {
  const { id } = c.req.valid('param');
  const { live } = c.req.valid('json');
  const { config, user } = c.var;
  const share = await c.var.db.withUserTransaction(user, async (sql) => {
    const [{ token }] = await sql<{ token: string }[]>`select public.share_session(${id}, ${live}) as token`;
    const sealed = await sealShareToken(config.encryptionKeys, user.id, id, token);
    const [row] = await sql<{ live: boolean; shared_at: Date }[]>`
      update public.session_shares set token_sealed = ${sealed} where session_id = ${id} returning live, shared_at`;
    return { token, ...row };
  }).catch(sessionNotFound);
  return c.json({ ...share, path: `/s/${share.token}` }, 201);
});

sessionSharesRoutes.openapi(sessionRoutes.get, async (c) => {
  const { id } = c.req.valid('param');
  const { config, user } = c.var;
  // Only the owner's own chat answers; anyone else's (a group member's included) stays a 404.
  const [row] = await c.var.db.withUserTransaction(user, (sql) =>
    sql<{ live: boolean | null; shared_at: Date | null; token_hash: Uint8Array | null; token_sealed: string | null }[]>`
      select sh.live, sh.shared_at, sh.token_hash, sh.token_sealed
        from public.chat_sessions s left join public.session_shares sh on sh.session_id = s.id
       where s.id = ${id} and s.user_id = ${user.id}`);
  if (!row) throw notFound('Session');
  if (!row.token_hash) return c.json({ shared: false as const }, 200);
  const token = await openShareToken(config.encryptionKeys, user.id, id, row.token_sealed, row.token_hash);
  return c.json({ shared: true as const, live: row.live!, shared_at: row.shared_at!, token, path: token ? `/s/${token}` : null }, 200);
});

sessionSharesRoutes.openapi(sessionRoutes.revoke, async (c) => {
  const { id } = c.req.valid('param');
  const revoked = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql`delete from public.session_shares where session_id = ${id} returning session_id`);
  if (revoked.length === 0) throw notFound('Share link');
  return c.body(null, 204);
});

sessionSharesRoutes.openapi(sessionRoutes.fork, async (c) => {
  const { id } = c.req.valid('param');
  const { message_id } = c.req.valid('json');
  const fork = await c.var.db.withUserTransaction(c.var.user, async (sql) =>
    (await sql<z.infer<typeof ForkResult>[]>`select fork_id as session_id, files_left_out from public.fork_session(${id}, null, ${message_id ?? null})`)[0],
  ).catch(forkRefused('Session'));
  return c.json(fork, 201);
});

const sharedRoutes = {
  read: createRoute({
    method: 'get', path: '/{token}', tags,
    middleware: [publicReadRateLimit] as const,
    summary: 'Read a shared chat (no sign-in needed)',
    description: 'Counted per client address (PUBLIC_READ_RATE_CAPACITY, refilled at PUBLIC_READ_RATE_REFILL_PER_SECOND); past it, 429 with Retry-After.',
    request: { params: TokenParam, query: SharedQuery },
    responses: { 200: jsonResponse(SharedChat, 'The shared chat, newest page first'), ...errorResponses(400, 404, 429) },
  }),
  fork: createRoute({
    method: 'post', path: '/{token}/fork', tags, security,
    middleware: [requireUser] as const,
    summary: 'Copy a shared chat (up to a message) into your own account',
    request: { params: TokenParam, body: jsonBody(ForkRequest) },
    responses: { 201: jsonResponse(ForkResult, 'The new session'), ...errorResponses(400, 401, 404, 429) },
  }),
};

export const sharedChatRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

sharedChatRoutes.openapi(sharedRoutes.read, async (c) => {
  const { token } = c.req.valid('param');
  const { limit, before } = c.req.valid('query');
  const older = before ? decodeCursor(before, timeIdCursor) : null;
  // Read exactly as a signed-out visitor would through the Data API: role anon.
  const { chat, rows, authors } = await c.var.db.withAnonTransaction(async (sql) => {
    const [chat] = await sql<{ title: string; live: boolean; shared_at: Date }[]>`select * from public.get_shared_session(${token})`;
    if (!chat) return { chat: null, rows: [], authors: new Map<string, string | null>() };
    const rows = await sql<(Omit<z.infer<typeof SharedMessage>, 'author_name'> & { cursor_t: string })[]>`
      select *, ${sql.unsafe(cursorTimestampSql('created_at'))} as cursor_t
        from public.get_shared_messages(${token},
          ${older ? sql`${older.t}::text::timestamptz` : null}, ${older?.id ?? null}, ${limit + 1})`;
    // In a group chat, who asked each question (names only; nothing for a chat of one person).
    const authors = rows.length === 0 ? [] : await sql<{ message_id: string; author_name: string | null }[]>`
      select message_id, author_name from public.get_shared_message_authors(${token}, ${rows.map((r) => r.id)}::uuid[])`;
    return { chat, rows, authors: new Map(authors.map((a) => [a.message_id, a.author_name])) };
  });
  if (!chat) throw new ApiError(404, 'not_found', 'This link does not exist or was revoked');
  const page = takePage(rows, limit, (row) => ({ t: row.cursor_t, id: row.id }));
  const messages = page.items
    .map(({ cursor_t: _, ...message }) => (authors.has(message.id) ? { ...message, author_name: authors.get(message.id) ?? null } : message))
    .reverse();
  return c.json({ ...chat, messages, next_cursor: page.next_cursor }, 200);
});

sharedChatRoutes.openapi(sharedRoutes.fork, async (c) => {
  const { token } = c.req.valid('param');
  const { message_id } = c.req.valid('json');
  const fork = await c.var.db.withUserTransaction(c.var.user, async (sql) =>
    (await sql<z.infer<typeof ForkResult>[]>`select fork_id as session_id, files_left_out from public.fork_session(null, ${token}, ${message_id ?? null})`)[0],
  ).catch(forkRefused('Share link'));
  return c.json(fork, 201);
});
