/**
 * /api/sessions: conversations (CRUD, the sidebar list; their history is
 * routes/session-messages.ts). Owner-only through RLS (members and viewers of a group chat read it, and
 * pin and archive it in their own list); someone else's session is a 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { cursorTimestampSql, decodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { rethrowDatabaseError } from '../lib/db-errors.ts';
import { notFound } from '../lib/errors.ts';
import { jsonObject, nonEmpty, NOTHING_TO_UPDATE, optionalQuery, trimmed } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { cursorParam, limitParam, takePage } from '../lib/pagination.ts';
import { SessionSchema, type SessionRow } from '../lib/resource-schemas.ts';
import { jsonbText } from '../lib/jsonb.ts';
import { changedMeanwhile, ConditionFailed, holds, holdsWithoutMarks, IfUnchanged, marksHold, sessionFieldsHold } from './session-if-unchanged.ts';

const fields = {
  title: trimmed(1, 200),
  project_id: z.uuid().nullable(),
  // The chat's settings (provider, model, temperature, chosen prompt); free-form JSON.
  metadata: jsonObject(16384),
};

// What a session looks like to its caller: SessionSchema plus their role and key sharing.
const SessionView = SessionSchema.extend({
  role: z.enum(['owner', 'member', 'viewer']).openapi({ description: 'owner, or member/viewer of a group chat' }),
  share_owner_key: z.boolean().openapi({ description: "In a group chat, whether the owner's key answers members" }),
  active_leaf_id: z.uuid().nullable().openapi({ description: 'The last message of the branch shown (null: the newest message)' }),
  channel_epoch: z.number().int().openapi({ description: 'Join the live channel `session:<id>` (0) or `session:<id>:<channel_epoch>`: it moves when someone is removed' }),
  title_version: z.number().int().openapi({ description: 'How many times the title changed: of two titles heard of, show the one with the higher version (the `renamed` live message names it)' }),
}).openapi('SessionView');
type SessionViewRow = SessionRow & { role: 'owner' | 'member' | 'viewer'; share_owner_key: boolean; active_leaf_id: string | null; channel_epoch: number; title_version: number };

const CreateSession = z.strictObject(fields).partial().openapi('CreateSession');
const UpdateSession = z
  .strictObject({
    ...fields,
    pinned: z.boolean().openapi({ description: 'Pin (listed first) or unpin' }),
    archived: z.boolean().openapi({ description: 'Archive (left out of the default list) or restore' }),
    if_unchanged: IfUnchanged,
  })
  .partial()
  .refine(({ if_unchanged: _, ...change }) => nonEmpty(change), NOTHING_TO_UPDATE)
  // A condition is checked by the statement that writes its kind of field (the chat's own, or the
  // caller's marks): one on a kind this PATCH does not write would be checked by nothing.
  .refine(({ if_unchanged: expected, ...change }) =>
    ((expected?.title === undefined && expected?.project_id === undefined) || ['title', 'project_id', 'metadata'].some((f) => f in change))
    && ((expected?.pinned === undefined && expected?.archived === undefined) || 'pinned' in change || 'archived' in change),
  { message: 'if_unchanged may only name fields of the kind this change writes (title/project_id with title, project_id or metadata; pinned/archived with pinned or archived)', path: ['if_unchanged'] })
  .openapi('UpdateSession');

const ListQuery = z.strictObject({
  project_id: optionalQuery(z.uuid()).openapi({ param: { name: 'project_id', in: 'query' } }),
  limit: limitParam(50, 100),
  cursor: optionalQuery(cursorParam).openapi({ param: { name: 'cursor', in: 'query' } }),
  archived: optionalQuery(z.enum(['true', 'false']))
    .transform((value) => value === 'true')
    .openapi({ param: { name: 'archived', in: 'query' }, description: 'true: only archived chats; default: only the others' }),
  pinned: optionalQuery(z.enum(['true', 'false']))
    .transform((value) => value === 'true')
    .openapi({ param: { name: 'pinned', in: 'query' }, description: 'true: only your pinned chats (the sidebar shows them all, however old)' }),
});
const SessionList = z
  .object({ sessions: z.array(SessionView), next_cursor: z.string().nullable() })
  .openapi('SessionList');

const ArchivedAll = z.object({ archived: z.number().int().openapi({ description: 'How many chats were archived' }) }).openapi('ArchivedAll');
const DeleteAllQuery = z.strictObject({
  all: z.literal('true').openapi({ param: { name: 'all', in: 'query' }, description: 'Required: `true`, so that no request deletes every chat by accident' }),
});
const DeletedAll = z.object({ deleted: z.number().int().openapi({ description: 'How many chats were deleted' }) }).openapi('DeletedAll');

const tags = ['sessions'];
const IdParams = UuidParam();

const routes = {
  list: createRoute({
    method: 'get', path: '/', tags, security,
    summary: 'List sessions by last activity (optionally of one project)',
    request: { query: ListQuery },
    responses: { 200: jsonResponse(SessionList, 'A page of sessions'), ...errorResponses(400, 401) },
  }),
  create: createRoute({
    method: 'post', path: '/', tags, security,
    summary: 'Create a session',
    request: { body: jsonBody(CreateSession) },
    responses: { 201: jsonResponse(SessionView, 'The new session'), ...errorResponses(400, 401, 404) },
  }),
  archiveAll: createRoute({
    method: 'post', path: '/archive-all', tags, security,
    summary: 'Archive every chat in your list',
    description: 'Your chats and the group chats you are a member of that are not archived yet leave your sidebar and wait under Archived chats (`GET /sessions?archived=true`). Archiving is your own mark: a group chat stays in its owner\'s and the other members\' lists.',
    responses: { 200: jsonResponse(ArchivedAll, 'The chats were archived'), ...errorResponses(401) },
  }),
  deleteAll: createRoute({
    method: 'delete', path: '/', tags, security,
    summary: 'Delete every chat you own, with its messages and files',
    description: 'Archived ones included, and group chats you own (for their members too). Group chats you are a member of stay. Cannot be undone.',
    request: { query: DeleteAllQuery },
    responses: { 200: jsonResponse(DeletedAll, 'The chats were deleted'), ...errorResponses(400, 401) },
  }),
  get: createRoute({
    method: 'get', path: '/{id}', tags, security,
    summary: 'Get a session',
    request: { params: IdParams },
    responses: { 200: jsonResponse(SessionView, 'The session'), ...errorResponses(400, 401, 404) },
  }),
  update: createRoute({
    method: 'patch', path: '/{id}', tags, security,
    summary: 'Rename, move or re-configure a session',
    description: 'With `if_unchanged`, only if the chat is still as the caller last saw it (an Undo): if another tab or device changed one of those fields meanwhile, nothing is changed and the answer is 409 `changed_meanwhile` with the chat as it is now, as `session`.',
    request: { params: IdParams, body: jsonBody(UpdateSession) },
    responses: { 200: jsonResponse(SessionView, 'The updated session'), ...errorResponses(400, 401, 404, 409) },
  }),
  delete: createRoute({
    method: 'delete', path: '/{id}', tags, security,
    summary: 'Delete a session and its messages',
    request: { params: IdParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 404) },
  }),
};

// The caller's place in the chat: its owner, or a member/viewer of a group chat.
const ROLE_SQL = `case when chat_sessions.user_id = (select auth.uid()) then 'owner'
  else coalesce((select m.role from public.session_members m
                  where m.session_id = chat_sessions.id and m.user_id = (select auth.uid())), 'viewer') end`;
// Pinning and archiving are how each person sorts their own list (public.session_marks, one
// row per person and chat): the caller's own marks, in their own chats and in group chats
// alike, joined on the marks' primary key (one probe per session for both).
const SESSIONS_WITH_MARKS = `public.chat_sessions left join public.session_marks k
  on k.session_id = chat_sessions.id and k.user_id = (select auth.uid())`;
const sessionColumns = (marks: string) => `id, project_id, title, metadata, last_message_at, ${marks}, created_at, updated_at, share_owner_key, active_leaf_id, channel_epoch, title_version, ${ROLE_SQL} as role`;
const SESSION_COLUMNS = sessionColumns('k.pinned_at, k.archived_at');
// A session just created has no marks yet.
const NEW_SESSION_COLUMNS = sessionColumns('null::timestamptz as pinned_at, null::timestamptz as archived_at');

export const sessionsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionsRoutes.use('*', requireUser);

sessionsRoutes.openapi(routes.list, async (c) => {
  const { project_id, limit, cursor, archived, pinned } = c.req.valid('query');
  const after = cursor ? decodeCursor(cursor, timeIdCursor) : null;
  const me = c.var.user.id;
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => {
    // The caller's own marks (public.session_marks) decide which chats the list shows: not
    // archived (the default), archived, and of those, pinned. Each is a set the subquery reads
    // once and probes as a hash ("hashed SubPlan"): NOT IN over a column that is never null
    // means NOT EXISTS, and unlike NOT EXISTS, whose per-row probe the planner prefers under a
    // LIMIT, it costs one pass however many chats are archived (10,000 chats, all archived:
    // 494 buffers read instead of 30,361). The set must fit in hash_mem (work_mem × 2: 8 MB
    // by default, some 100,000 chats); the quota is 50,000 own chats. The archived set is an
    // index-only scan of session_marks_user_id_archived_idx (20261204051043); with every chat
    // archived the walk still reads each of the caller's chats once (≈ 1 µs each).
    const marked = (column: 'pinned_at' | 'archived_at') =>
      sql`(select k.session_id from public.session_marks k where k.user_id = ${me} and k.${sql(column)} is not null)`;
    const filter = sql`${archived ? sql`s.id in ${marked('archived_at')}` : sql`s.id not in ${marked('archived_at')}`}
      ${pinned ? sql`and s.id in ${marked('pinned_at')}` : sql``}
      ${after ? sql`and (s.last_message_at, s.id) < (${after.t}::text::timestamptz, ${after.id}::uuid)` : sql``}`;
    // The caller's own chats and the group chats they are in, each side walked in order on
    // its own index (chat_sessions_user_id_recent_idx; session_members' by member) and cut at
    // the page size before they are merged. A project is its owner's: filtering by one keeps
    // to the caller's own chats.
    return sql<(SessionViewRow & { cursor_t: string })[]>`
      select ${sql.unsafe(SESSION_COLUMNS)}, ${sql.unsafe(cursorTimestampSql('last_message_at'))} as cursor_t
        from ${sql.unsafe(SESSIONS_WITH_MARKS)}
       where id in (
         (select s.id from public.chat_sessions s
           where s.user_id = ${me} and ${filter}
             ${project_id ? sql`and s.project_id = ${project_id}` : sql``}
           order by s.last_message_at desc, s.id desc limit ${limit + 1})
         union all
         (select s.id from public.session_members m join public.chat_sessions s on s.id = m.session_id
           where m.user_id = ${me} and ${project_id ? sql`false` : sql`true`} and ${filter}
           order by s.last_message_at desc, s.id desc limit ${limit + 1}))
       order by last_message_at desc, id desc
       limit ${limit + 1}`;
  });
  const page = takePage(rows, limit, (row) => ({ t: row.cursor_t, id: row.id }));
  return c.json({ sessions: page.items.map(({ cursor_t: _, ...session }) => session), next_cursor: page.next_cursor }, 200);
});

sessionsRoutes.openapi(routes.create, async (c) => {
  const input = c.req.valid('json');
  const session = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    if (input.project_id) await assertProject(sql, input.project_id);
    const [row] = await sql<SessionViewRow[]>`
      insert into public.chat_sessions (user_id, project_id, title, metadata)
      values (${c.var.user.id}, ${input.project_id ?? null}, ${input.title ?? 'New chat'}, ${jsonbText(input.metadata ?? {})}::text::jsonb)
      returning ${sql.unsafe(NEW_SESSION_COLUMNS)}`;
    return row;
  }).catch(rethrowDatabaseError);
  return c.json(session, 201);
});

sessionsRoutes.openapi(routes.archiveAll, async (c) => {
  const { user } = c.var;
  // Each chat in the caller's list — their own and the group chats they are in, as the sidebar
  // lists them — gets the caller's archive mark, or keeps the one it has. The marks are the
  // caller's alone (public.session_marks), so nobody else's list changes.
  const rows = await c.var.db.withUserTransaction(user, (sql) => sql`
    insert into public.session_marks (user_id, session_id, archived_at)
    select ${user.id}::uuid, s.id, now() from public.chat_sessions s where s.user_id = ${user.id}
    union all
    select ${user.id}::uuid, m.session_id, now() from public.session_members m where m.user_id = ${user.id}
    on conflict (user_id, session_id) do update set archived_at = excluded.archived_at
     where session_marks.archived_at is null
    returning session_id`);
  return c.json({ archived: rows.length }, 200);
});

sessionsRoutes.openapi(routes.deleteAll, async (c) => {
  const { user } = c.var;
  // Their messages, attachments and shares go with them (foreign keys); their files' Storage
  // objects are queued by the database and removed before the answer (app.ts), as for one chat.
  const rows = await c.var.db.withUserTransaction(user, (sql) => sql`delete from public.chat_sessions where user_id = ${user.id} returning id`);
  return c.json({ deleted: rows.length }, 200);
});

sessionsRoutes.openapi(routes.get, async (c) => {
  const { id } = c.req.valid('param');
  const [session] = await c.var.db.withUserTransaction(
    c.var.user,
    (sql) => sql<SessionViewRow[]>`select ${sql.unsafe(SESSION_COLUMNS)} from ${sql.unsafe(SESSIONS_WITH_MARKS)} where id = ${id}`,
  );
  if (!session) throw notFound('Session');
  return c.json(session, 200);
});

sessionsRoutes.openapi(routes.update, async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  const { pinned, archived, if_unchanged: expected, ...fields } = patch;
  const readSession = (sql: TransactionSql) => sql<SessionViewRow[]>`select ${sql.unsafe(SESSION_COLUMNS)} from ${sql.unsafe(SESSIONS_WITH_MARKS)} where id = ${id}`;
  const session = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    // The chat's own fields are its owner's (anyone else finds no row to update: 404).
    if (Object.keys(fields).length > 0) {
      if (fields.project_id) await assertProject(sql, fields.project_id);
      const updated = await sql`
        update public.chat_sessions set
          title = coalesce(${fields.title ?? null}, title),
          project_id = ${fields.project_id === undefined ? sql`project_id` : sql`${fields.project_id}::uuid`},
          metadata = coalesce(${fields.metadata === undefined ? null : jsonbText(fields.metadata)}::text::jsonb, metadata)
         where id = ${id} ${sessionFieldsHold(sql, expected)}
        returning id`;
      if (updated.length === 0) throw new ConditionFailed();
    }
    // The marks are the caller's own, in any chat they can read (one they cannot read selects
    // no row: 404). Pinning or archiving again keeps the first time. With conditions, a chat
    // without marks is inserted only if "neither pinned nor archived" meets them, and a row
    // of marks is updated only if it meets them (read as it is once its lock is held).
    if (pinned !== undefined || archived !== undefined) {
      const mark = (value: boolean | undefined, column: 'pinned_at' | 'archived_at') => value === undefined
        ? sql`session_marks.${sql(column)}`
        : value ? sql`coalesce(session_marks.${sql(column)}, now())` : sql`null`;
      const marked = await sql`
        insert into public.session_marks (user_id, session_id, pinned_at, archived_at)
        select ${c.var.user.id}::uuid, s.id, ${pinned ? sql`now()` : sql`null::timestamptz`}, ${archived ? sql`now()` : sql`null::timestamptz`}
          from public.chat_sessions s where s.id = ${id}
           and (${holdsWithoutMarks(expected)}::boolean
                or exists (select 1 from public.session_marks k where k.user_id = ${c.var.user.id} and k.session_id = s.id))
        on conflict (user_id, session_id) do update set
          pinned_at = ${mark(pinned, 'pinned_at')},
          archived_at = ${mark(archived, 'archived_at')}
         where ${marksHold(sql, expected)}
        returning session_id`;
      if (marked.length === 0) throw new ConditionFailed();
    }
    const [row] = await readSession(sql);
    return row ?? null;
  }).catch(async (err: unknown) => {
    if (!(err instanceof ConditionFailed)) return rethrowDatabaseError(err);
    // Nothing was written (the transaction was rolled back). The chat as it is now tells a
    // change made meanwhile (409, with it) from a chat the caller cannot change (404).
    if (!expected) return null;
    const [now] = await c.var.db.withUserTransaction(c.var.user, readSession, { readOnly: true });
    if (now && !holds(now, expected)) throw changedMeanwhile(now);
    return null;
  });
  if (!session) throw notFound('Session');
  return c.json(session, 200);
});

sessionsRoutes.openapi(routes.delete, async (c) => {
  const { id } = c.req.valid('param');
  const deleted = await c.var.db.withUserTransaction(c.var.user, (sql) => sql`delete from public.chat_sessions where id = ${id} returning id`);
  if (deleted.length === 0) throw notFound('Session');
  return c.body(null, 204);
});

/** A session may only be filed under one of the caller's projects; others are "not found". */
async function assertProject(sql: TransactionSql, projectId: string) {
  const [project] = await sql`select id from public.projects where id = ${projectId}`;
  if (!project) throw notFound('Project');
}
