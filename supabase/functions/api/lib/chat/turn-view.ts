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
 *
 * A view is one ReadableStream of encoded event bytes: the runtime reads it straight into the
 * response. A stream of messages piped through an encoding TransformStream cost every open
 * view a second and third stream, their controllers and a pipe loop — at a thousand open
 * answers a good share of the function's heap.
 */
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

const encoder = new TextEncoder();

/**
 * One event in the SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * `data` is always JSON.stringify output, which never holds a line break, so it is one `data:` line.
 */
function eventText(event: string, data: string, id?: number): string {
  return id === undefined ? `event:${event}\ndata:${data}\n\n` : `event:${event}\ndata:${data}\nid:${id}\n\n`;
}

/**
 * Deltas after the first go out at most this often, several to a write: every write costs a
 * system call here, at each proxy on the way and in the client (at 500 answers at once the
 * gateway spent a quarter of its CPU in writev), while a browser paints at most once a frame.
 * The first delta, and every other event (meta, stored, usage, done, error), is written at
 * once, after whatever deltas wait.
 */
export const DELTA_FLUSH_MS = 16;

export function turnView(options: TurnViewOptions): ReadableStream<Uint8Array> {
  let closed = false;
  let cleanup = () => {};
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let lastSeq = options.afterSeq;

  // Deltas waiting for the next flush, as SSE text, and when deltas last went out.
  let waiting = '';
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFlushAt = -Infinity;

  const write = (text: string) => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const all = waiting + text;
    waiting = '';
    if (closed || all === '') return;
    try {
      controller.enqueue(encoder.encode(all));
    } catch {
      closed = true; // the reader is gone
    }
  };
  const flushDeltas = () => {
    lastFlushAt = performance.now();
    write('');
  };
  const send = (event: string, data: unknown, id?: number) => {
    if (!closed) write(eventText(event, JSON.stringify(data), id));
  };
  const unit = (u: Unit) => {
    if (u.seq <= lastSeq || closed) return;
    lastSeq = u.seq;
    waiting += eventText(u.kind === 'content' ? 'delta' : 'reasoning', JSON.stringify({ seq: u.seq, text: u.text }), u.seq);
    if (flushTimer !== undefined) return;
    const wait = lastFlushAt + DELTA_FLUSH_MS - performance.now();
    if (wait <= 0) flushDeltas();
    else flushTimer = setTimeout(flushDeltas, wait);
  };
  // Settled once `stored` is out (or never will be): the end waits for it.
  let storedSent: Promise<void> | null = null;
  const end = (e: TurnEnd) => {
    if (storedSent) void storedSent.then(() => endNow(e));
    else endNow(e);
  };
  const endNow = (e: TurnEnd) => {
    if (e.usage) send('usage', e.usage);
    if (e.status === 'error') send('error', e.error ?? { code: e.code ?? 'error', message: 'The answer failed' });
    else send('done', { assistant_message_id: options.messageId, status: e.status, finish_reason: e.finishReason, code: e.code });
    close();
  };
  const close = () => {
    cleanup();
    clearTimeout(flushTimer);
    if (closed) return;
    closed = true;
    try {
      controller.close();
    } catch {
      // already closed by a cancel
    }
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (options.meta) send('meta', options.meta);
      if (options.rowsStored) {
        const sessionId = options.meta?.session_id;
        storedSent = options.rowsStored.then(() => send('stored', { session_id: sessionId }), () => {});
      }
      const keepalive = setInterval(() => write(': keepalive\n\n'), options.keepaliveMs);
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
          send('error', { code: 'view_failed', message: 'Lost track of the answer; reload to see it' });
          close();
        });
      }
    },
    cancel() {
      closed = true;
      clearTimeout(flushTimer);
      cleanup();
    },
  });
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
