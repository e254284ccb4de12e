/**
 * An SSE view of a turn: any number can be open, from the request that started it or from a
 * re-attaching client, and closing one never affects the turn. Units after `afterSeq` are
 * replayed, then live ones follow, then the end:
 *
 *   meta {…}                    (when given)
 *   stored {session_id}         (a new chat's view, once its rows are committed)
 *   delta | reasoning {seq, text}   id: seq
 *   usage {prompt_tokens, completion_tokens, total_tokens, ttft_ms, latency_ms}
 *   done {assistant_message_id, status, finish_reason, code} | error {code, message}
 *
 * The source is the Turn itself when this process runs it, otherwise the database: the
 * stored answer, polled while it streams in another process (new checkpoints every ≤ 2 s),
 * and settled from its checkpoints if that process's lease lapses.
 */
import { ServerSentEventStream, type ServerSentEventMessage } from 'deno-std/http/server_sent_event_stream.js';
import type { Logger } from '../log.ts';
import type { Turn, TurnEnd, TurnEvent } from './turn.ts';
import type { StoredAnswer, TurnStore } from './turn-store.ts';
import type { Unit } from './units.ts';

export interface TurnViewOptions {
  messageId: string;
  meta?: Record<string, unknown>;
  /**
   * A new chat's view starts before its rows are committed: `meta` says `stored: false`, and
   * a `stored` event follows once this resolves (before the end; never, if it rejects — the
   * turn then ends with an error).
   */
  rowsStored?: Promise<unknown>;
  afterSeq: number;
  /** The running turn, when this process has it. */
  turn?: Turn;
  /** Otherwise: where to read it (the caller's own answer). */
  stored?: { store: TurnStore; userId: string; first?: StoredAnswer; pollMs: number };
  keepaliveMs: number;
  log: Logger;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

export function turnView(options: TurnViewOptions): ReadableStream<Uint8Array> {
  let closed = false;
  let cleanup = () => {};
  let controller!: ReadableStreamDefaultController<ServerSentEventMessage>;
  let lastSeq = options.afterSeq;

  const send = (message: ServerSentEventMessage) => {
    if (closed) return;
    try {
      controller.enqueue(message);
    } catch {
      closed = true; // the reader is gone
    }
  };
  const unit = (u: Unit) => {
    if (u.seq <= lastSeq) return;
    lastSeq = u.seq;
    send({ event: u.kind === 'content' ? 'delta' : 'reasoning', id: u.seq, data: JSON.stringify({ seq: u.seq, text: u.text }) });
  };
  // Settled once `stored` is out (or never will be): the end waits for it.
  let storedSent: Promise<void> | null = null;
  const end = (e: TurnEnd) => {
    if (storedSent) void storedSent.then(() => endNow(e));
    else endNow(e);
  };
  const endNow = (e: TurnEnd) => {
    if (e.usage) send({ event: 'usage', data: JSON.stringify(e.usage) });
    if (e.status === 'error') send({ event: 'error', data: JSON.stringify(e.error ?? { code: e.code ?? 'error', message: 'The answer failed' }) });
    else send({ event: 'done', data: JSON.stringify({ assistant_message_id: options.messageId, status: e.status, finish_reason: e.finishReason, code: e.code }) });
    close();
  };
  const close = () => {
    cleanup();
    if (closed) return;
    closed = true;
    try {
      controller.close();
    } catch {
      // already closed by a cancel
    }
  };

  const events = new ReadableStream<ServerSentEventMessage>({
    start(c) {
      controller = c;
      if (options.meta) send({ event: 'meta', data: JSON.stringify(options.meta) });
      if (options.rowsStored) {
        const sessionId = options.meta?.session_id;
        storedSent = options.rowsStored.then(() => send({ event: 'stored', data: JSON.stringify({ session_id: sessionId }) }), () => {});
      }
      const keepalive = setInterval(() => send({ comment: ' keepalive' }), options.keepaliveMs);
      let unsubscribe = () => {};
      cleanup = () => {
        clearInterval(keepalive);
        unsubscribe();
      };
      if (options.turn) {
        unsubscribe = options.turn.subscribe(options.afterSeq, (event: TurnEvent) => (event.type === 'unit' ? unit(event.unit) : end(event.end)));
      } else if (options.stored) {
        void followStored(options.stored, options.messageId, unit, end, () => closed).catch((error) => {
          options.log.error('chat view failed', { message: error instanceof Error ? error.message : String(error) });
          send({ event: 'error', data: JSON.stringify({ code: 'view_failed', message: 'Lost track of the answer; reload to see it' }) });
          close();
        });
      }
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
  return events.pipeThrough(new ServerSentEventStream()) as ReadableStream<Uint8Array>;
}

/** Replays a stored answer and follows it until it ends (or the view closes). */
async function followStored(
  source: NonNullable<TurnViewOptions['stored']>,
  messageId: string,
  onUnit: (u: Unit) => void,
  onEnd: (e: TurnEnd) => void,
  isClosed: () => boolean,
): Promise<void> {
  let answer = source.first ?? (await source.store.readAnswer(source.userId, messageId));
  for (;;) {
    if (isClosed()) return;
    if (!answer) throw new Error('answer disappeared');
    for (const u of answer.units) onUnit(u);
    if (answer.status !== 'streaming') return onEnd(endOf(answer));
    await new Promise((resolve) => setTimeout(resolve, source.pollMs));
    // The process running it is gone: settle it from its checkpoints, then report that.
    if (!answer.leaseAlive) await source.store.settleAbandoned(source.userId, { messageId });
    answer = await source.store.readAnswer(source.userId, messageId);
  }
}

/** The end of a stored, finished answer as views report it. */
export function endOf(answer: StoredAnswer): TurnEnd {
  return {
    status: answer.status === 'streaming' ? 'error' : answer.status,
    code: answer.code,
    error: answer.status === 'error' ? { code: answer.code ?? 'error', message: answer.error ?? 'The answer failed' } : null,
    finishReason: null,
    usage: answer.usage,
  };
}
