// Client side of a chat turn's HTTP views, through the app's /api proxy: POST /chat starts a
// turn and streams it, GET /chat/{id}/stream re-attaches to one (from a `seq`), POST
// /chat/{id}/stop stops one from any tab. Events are parsed with eventsource-parser and
// validated with zod before the UI sees them. A view is only a view: closing it never stops
// the turn on the server.
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { z } from 'zod';
import { apiError, apiFetch, browserApi, toApiError } from '$lib/api';
import { turnFailure } from '$lib/realtime-rows';

const seq = z.number().int().nonnegative().nullish();

export const chatEvents = {
  meta: z.object({
    session_id: z.string(),
    user_message_id: z.string().nullish(),
    assistant_message_id: z.string().nullish(),
    dropped_turns: z.number().nullish(),
    status: z.string().nullish(),
    /** false: a new chat streams before its rows are committed; a `stored` event follows. */
    stored: z.boolean().nullish(),
    /** The project's files the answer is given with (its answer_sources, known from the start). */
    files_used: z.array(z.object({ file_id: z.string().nullable(), name: z.string(), chunks: z.array(z.number()).nullable() })).nullish(),
    /** The files the question carries (its chips, also an edit's or a regenerate's). */
    attachments: z.array(z.object({ path: z.string(), name: z.string(), type: z.string(), size: z.number(), truncated: z.boolean().catch(false), tokens: z.number().optional().catch(undefined), total_tokens: z.number().nullish().catch(undefined), total_estimated: z.boolean().optional().catch(undefined) })).nullish(),
  }),
  delta: z.object({ seq, text: z.string() }),
  reasoning: z.object({ seq, text: z.string() }),
  /** The answer is whole (its last unit is `seq`); its final write waits for the database. */
  saving: z.object({ seq: z.number().int().nonnegative().optional() }).loose(),
  usage: z
    .object({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
      total_tokens: z.number().nullish(),
      token_count: z.number().nullish(),
      ttft_ms: z.number().nullish(),
      latency_ms: z.number().nullish(),
    })
    .loose(),
  // `seq` (the session's broadcast): the answer's last unit; an SSE view's own units come before its `done`.
  // `error` (the broadcast's, for a failed answer): what failed; an SSE view sends an `error` event instead.
  done: z.object({
    status: z.enum(['complete', 'stopped', 'error']).catch('complete'),
    code: z.string().nullish(),
    seq: z.number().int().nonnegative().optional(),
    error: turnFailure.nullish().catch(null),
  }).loose(),
  error: turnFailure,
};

export type ChatMeta = z.infer<typeof chatEvents.meta>;
export type ChatUsage = z.infer<typeof chatEvents.usage>;
export type ChatDone = z.infer<typeof chatEvents.done>;
export type ChatText = z.infer<typeof chatEvents.delta>;
export type ChatSaving = z.infer<typeof chatEvents.saving>;

export interface ChatRequest {
  session_id?: string;
  /** Project of a new session (its system prompt applies). */
  project_id?: string;
  message: string;
  provider: string;
  model: string;
  /** null: none, not even the one the chat keeps (the API drops it from the chat). */
  prompt_id?: string | null;
  prompt_version?: number;
  prompt_label?: string;
  variables?: Record<string, string>;
  /** The message is the prompt, rendered by the client: attribute the turn to it only. */
  prompt_in_message?: boolean;
  /** Replace the last assistant answer instead of adding a turn. */
  regenerate?: boolean;
  /** Replace this user message and drop everything after it. */
  edit_message_id?: string;
  /** With regenerate or edit_message_id: the running answer shown, to stop first (null: none shown; chat-notice.ts shownRunning). */
  stop_message_id?: string | null;
  /** The question's files (uploaded objects, with the names they had); with edit_message_id exactly these (`[]`: none), absent the edited one's. */
  attachments?: (string | { path: string; name: string })[];
  /** Go on from the last answer (it must have text: else 409 nothing_to_continue). */
  continue?: boolean;
  /** This question's own id (a new question): the same id again is refused with 409 already_sent (send-queue.svelte.ts). */
  client_id?: string;
}

export interface TurnHandlers {
  meta(meta: ChatMeta): void;
  /** The turn's rows are committed (after a `meta` with `stored: false`). */
  stored?(): void;
  delta(delta: ChatText): void;
  reasoning(delta: ChatText): void;
  /** The answer is whole and being saved: nothing is left to stop; `done` follows once it is written. */
  saving?(saving: ChatSaving): void;
  usage(usage: ChatUsage): void;
  done(done: ChatDone): void;
  error(error: { code: string; message: string }): void;
}

/** How a view ended: the turn's end (`done`/`error`), or the connection closed before it. */
export type ViewEnd = 'done' | 'error' | 'closed';

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Reads one SSE view of a turn until its end or until the connection closes. */
async function readTurn(res: Response, handlers: TurnHandlers): Promise<ViewEnd> {
  if (!res.ok || !res.body) throw await toApiError(res);
  const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'closed';
      const data = parseData(value.data);
      switch (value.event) {
        case 'meta': {
          const meta = chatEvents.meta.safeParse(data);
          if (meta.success) handlers.meta(meta.data);
          break;
        }
        case 'stored':
          handlers.stored?.();
          break;
        case 'delta':
        case 'reasoning': {
          const delta = chatEvents.delta.safeParse(data);
          if (delta.success) handlers[value.event](delta.data);
          break;
        }
        case 'saving': {
          const saving = chatEvents.saving.safeParse(data);
          if (saving.success) handlers.saving?.(saving.data);
          break;
        }
        case 'usage': {
          const usage = chatEvents.usage.safeParse(data);
          if (usage.success) handlers.usage(usage.data);
          break;
        }
        case 'error': {
          const error = chatEvents.error.safeParse(data);
          handlers.error(error.success ? error.data : { code: 'stream_error', message: 'The answer failed.' });
          return 'error';
        }
        case 'done': {
          const done = chatEvents.done.safeParse(data);
          handlers.done(done.success ? done.data : { status: 'complete' });
          return 'done';
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Starts a turn and streams it. Throws ApiError for answers refused before the stream. */
export async function streamChat(body: ChatRequest, handlers: TurnHandlers, signal: AbortSignal): Promise<ViewEnd> {
  const res = await apiFetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  return readTurn(res, handlers);
}

/** Re-attaches to an answer: what came after `after`, then live events, then its end. */
export async function attachTurn(messageId: string, after: number, handlers: TurnHandlers, signal: AbortSignal): Promise<ViewEnd> {
  const res = await apiFetch(`/api/chat/${encodeURIComponent(messageId)}/stream?after=${after}`, {
    headers: { accept: 'text/event-stream' },
    signal,
  });
  return readTurn(res, handlers);
}

/** Asks the server to stop an answer; `finished` when it had already ended (409 turn_finished). */
export async function stopTurn(messageId: string): Promise<'stopped' | 'finished'> {
  const { error, response } = await browserApi().POST('/api/chat/{id}/stop', { params: { path: { id: messageId } } });
  if (response.status === 409) return 'finished';
  if (error !== undefined || !response.ok) throw apiError(response, error);
  return 'stopped';
}
