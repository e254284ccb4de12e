/**
 * A running or finished answer by its id, from any request, tab or device:
 * - POST /api/chat/{id}/stop stops it (the provider call is aborted, the partial kept as
 *   `stopped`, every open view gets `done` with status stopped);
 * - GET /api/chat/{id}/stream re-attaches: the answer from its start (or after
 *   `Last-Event-ID` / `?after=`), then live units, then the end.
 * In a group chat every participant may watch an answer and the owner and `member`s may stop
 * it (a viewer: 403), also one someone else asked for: the answer records who stopped it
 * (`stopped_by`), which the chat shows everyone. Anyone else gets a 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import type { TurnRuntime } from '../lib/chat/runtime.ts';
import type { Turn } from '../lib/chat/turn.ts';
import { stopAndWait } from '../lib/chat/turn-control.ts';
import { answerAccess, readOnly } from '../lib/chat/turn-seat.ts';
import { SSE_HEADERS, turnView } from '../lib/chat/turn-view.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { optionalQuery } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const tags = ['chat'];
const IdParams = UuidParam();

const StopResult = z
  .object({
    assistant_message_id: z.uuid(),
    status: z.enum(['stopped', 'complete', 'error', 'streaming']).openapi({ description: '`streaming`: the stop was asked but not yet confirmed' }),
  })
  .openapi('StopResult');

const seqParam = z.coerce.number().int().min(0).max(10_000_000);
const StreamQuery = z.strictObject({
  after: optionalQuery(seqParam).openapi({ param: { name: 'after', in: 'query' }, description: 'Resume after this seq (as `Last-Event-ID`)' }),
});

const routes = {
  stop: createRoute({
    method: 'post', path: '/{id}/stop', tags, security, middleware: [requireUser] as const,
    summary: 'Stop a running answer (from any tab or device)',
    description: 'The partial answer is kept with status `stopped`; 409 `turn_finished` when it already ended.',
    request: { params: IdParams },
    responses: { 200: jsonResponse(StopResult, 'The answer is stopped'), ...errorResponses(401, 403, 404, 409) },
  }),
  stream: createRoute({
    method: 'get', path: '/{id}/stream', tags, security, middleware: [requireUser] as const,
    summary: 'Re-attach to an answer (Server-Sent Events)',
    description:
      'Replays the answer from its start (or after `Last-Event-ID` / `?after=<seq>`, with no gap and no duplicate), then live ' +
      '`delta`/`reasoning` events, then `usage` and `done` (or `error`). First event: `meta` {session_id, assistant_message_id, status, provider, model}.',
    request: { params: IdParams, query: StreamQuery },
    responses: {
      200: { description: 'The answer as an event stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...errorResponses(400, 401, 404),
    },
  }),
};

export const chatTurnRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

chatTurnRoutes.openapi(routes.stop, async (c) => {
  const { id } = c.req.valid('param');
  const { user, turns, db } = c.var;
  // The caller's own turn in this process needs no read (a new chat's rows may not be committed yet).
  const own = ownRunningTurn(turns, user.id, id);
  const access = own ? { ownerId: user.id, role: 'owner' as const } : await answerAccess(db, user, id);
  if (!access) throw notFound('Answer');
  if (access.role === 'viewer') throw readOnly();
  const answer = own ? { status: 'streaming' } : await turns.store.readAnswer(access.ownerId, id);
  if (!answer) throw notFound('Answer');
  if (answer.status !== 'streaming') {
    throw new ApiError(409, 'turn_finished', `This answer already ended (${answer.status})`, undefined, { status: answer.status });
  }
  // Before the stop, so the row that settles it already names who stopped it.
  await turns.store.recordStopper(access.ownerId, id, user.id);
  const status = await stopAndWait(turns, access.ownerId, id);
  if (status === null) throw notFound('Answer');
  return c.json({ assistant_message_id: id, status: status as z.infer<typeof StopResult>['status'] }, 200);
});

chatTurnRoutes.openapi(routes.stream, async (c) => {
  const { id } = c.req.valid('param');
  const { after } = c.req.valid('query');
  const { user, turns, config, log, db } = c.var;
  const header = c.req.header('last-event-id');
  let afterSeq = after ?? 0;
  if (header !== undefined && header.trim() !== '') {
    const parsed = seqParam.safeParse(header.trim());
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'Last-Event-ID: must be a seq number');
    afterSeq = parsed.data;
  }
  const own = ownRunningTurn(turns, user.id, id);
  const access = own ? { ownerId: user.id } : await answerAccess(db, user, id);
  if (!access) throw notFound('Answer');
  const local = own ?? turns.registry.get(id);
  const turn = local && local.options.userId === access.ownerId && !local.end ? local : undefined;
  const stored = turn ? null : await turns.store.readAnswer(access.ownerId, id);
  if (!turn && !stored) throw notFound('Answer');
  const meta = turn
    ? { session_id: turn.options.sessionId, assistant_message_id: id, status: 'streaming', provider: turn.options.usageLog.provider, model: turn.options.model }
    : { session_id: stored!.sessionId, assistant_message_id: id, status: stored!.status, provider: stored!.provider, model: stored!.model };
  const stream = turnView({
    messageId: id,
    meta,
    afterSeq,
    turn,
    stored: stored ? { store: turns.store, userId: access.ownerId, first: stored, pollMs: 500 } : undefined,
    keepaliveMs: config.limits.keepaliveMs,
    log: log.child({ message_id: id }),
  });
  return c.body(stream, 200, SSE_HEADERS);
});

/**
 * A turn this process runs in the caller's own chat (they own its rows), still running. Its
 * rows may not be committed yet (a new chat streams before them: routes/chat.ts), so stop and
 * re-attach take it from the registry instead of reading the database.
 */
function ownRunningTurn(turns: TurnRuntime, userId: string, messageId: string): Turn | undefined {
  const turn = turns.registry.get(messageId);
  return turn && turn.options.userId === userId && !turn.end ? turn : undefined;
}
