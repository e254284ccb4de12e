/**
 * An SSE view of a turn: any number can be open, from the request that started it or from a
 * re-attaching client, and closing one never affects the turn. Units after `afterSeq` are
 * replayed, then live ones follow, then the end:
 *
 *   meta {…}                    (when given)
 *   stored {session_id}         (a new chat's view, once its rows are committed)
 *   delta | reasoning {seq, text}   id: seq
 *   saving {assistant_message_id, seq}  (the answer is whole; its final write is waiting)
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
import { failureOf, type Turn, type TurnEnd, type TurnEvent } from './turn.ts';
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
  return new ReadableStream<Uint8Array>(new TurnViewSource(options));
}

/**
 * An open view's state and steps: one object with its methods on the prototype, plus the
 * few callbacks handed out (the turn's listener, the flush and keep-alive timers), rather
 * than a dozen closures sharing a scope that also kept `meta` and the options alive until
 * the answer's end — a thousand views are open at once.
 */
class TurnViewSource implements UnderlyingDefaultSource<Uint8Array> {
  private options: TurnViewOptions | null;
  private readonly messageId: string;
  private readonly log: Logger;
  private closed = false;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private lastSeq: number;
  // Deltas waiting for the next flush, as SSE text, and when deltas last went out.
  private waiting = '';
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | null = null;
  /** Settled once `stored` is out (or never will be): the end waits for it. */
  private storedSent: Promise<void> | null = null;
  private readonly flushDeltas = () => {
    this.lastFlushAt = performance.now();
    this.write('');
  };

  constructor(options: TurnViewOptions) {
    this.options = options;
    this.messageId = options.messageId;
    this.log = options.log;
    this.lastSeq = options.afterSeq;
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const options = this.options!;
    this.options = null; // meta and the rest are not needed past the start
    this.controller = controller;
    if (options.meta) this.send('meta', options.meta);
    if (options.rowsStored) {
      const sessionId = options.meta?.session_id;
      this.storedSent = options.rowsStored.then(() => this.send('stored', { session_id: sessionId }), () => {});
    }
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), options.keepaliveMs);
    if (options.turn) {
      const unsubscribe = options.turn.subscribe(options.afterSeq, (event: TurnEvent) => this.event(event));
      // Ended during the replay: closed already, nothing to unsubscribe from later.
      if (!this.closed) this.unsubscribe = unsubscribe;
    } else if (options.stored) {
      void followStored(options.stored, this.messageId, (u) => this.unit(u), (e) => this.end(e), () => this.closed).catch((error) => {
        this.log.error('chat view failed', { message: error instanceof Error ? error.message : String(error) });
        this.send('error', { code: 'view_failed', message: 'Lost track of the answer; reload to see it' });
        this.close();
      });
    }
  }

  cancel(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.cleanup();
  }

  private cleanup() {
    clearInterval(this.keepalive);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    unsubscribe?.();
  }

  private write(text: string) {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const all = this.waiting + text;
    this.waiting = '';
    if (this.closed || all === '') return;
    try {
      this.controller.enqueue(encoder.encode(all));
    } catch {
      this.closed = true; // the reader is gone
    }
  }

  private send(event: string, data: unknown, id?: number) {
    if (!this.closed) this.write(eventText(event, JSON.stringify(data), id));
  }

  private unit(u: Unit) {
    if (u.seq <= this.lastSeq || this.closed) return;
    this.lastSeq = u.seq;
    this.waiting += eventText(u.kind === 'content' ? 'delta' : 'reasoning', JSON.stringify({ seq: u.seq, text: u.text }), u.seq);
    if (this.flushTimer !== undefined) return;
    const wait = this.lastFlushAt + DELTA_FLUSH_MS - performance.now();
    if (wait <= 0) this.flushDeltas();
    else this.flushTimer = setTimeout(this.flushDeltas, wait);
  }

  private event(event: TurnEvent) {
    if (event.type === 'unit') this.unit(event.unit);
    else if (event.type === 'saving') this.send('saving', { assistant_message_id: this.messageId, seq: this.lastSeq });
    else this.end(event.end);
  }

  private end(e: TurnEnd) {
    if (this.storedSent) void this.storedSent.then(() => this.endNow(e));
    else this.endNow(e);
  }

  private endNow(e: TurnEnd) {
    if (e.usage) this.send('usage', e.usage);
    const failure = failureOf(e);
    if (failure) this.send('error', failure);
    else this.send('done', { assistant_message_id: this.messageId, status: e.status, finish_reason: e.finishReason, code: e.code });
    this.close();
  }

  private close() {
    this.cleanup();
    clearTimeout(this.flushTimer);
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller.close();
    } catch {
      // already closed by a cancel
    }
  }
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
