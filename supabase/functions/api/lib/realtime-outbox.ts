/**
 * The REST side of live fan-out: Realtime Broadcast messages sent the way hosted Supabase
 * accepts them from a server, `POST ${SUPABASE_URL}/realtime/v1/api/broadcast` with the secret
 * (service-role) key and a body `{ messages: [{ topic, event, payload, private }] }` — the REST
 * endpoint that @supabase/realtime-js's `channel.send()` also uses when it is not joined
 * (https://supabase.com/docs/guides/realtime/broadcast, "Broadcast using the REST API").
 *
 * One outbox per process, with one request in flight at a time. Batching adapts to that
 * request instead of a fixed period: a message that finds the outbox idle leaves at once; what
 * comes while a request is in flight waits for its answer and then leaves, all of it, in the
 * next request. So one streaming answer goes out chunk by chunk, and 1,000 of them still cost
 * one request per round trip, not 1,000 × tokens. One request at a time also keeps each
 * topic's messages in the order they were sent.
 *
 * Turns do not queue every provider chunk: they ask `whenReady` and cut their next stream unit
 * when the outbox can carry it (or after `maxWaitMs`, 50 ms, when a request takes longer). A
 * full batch (`maxBatch`) still waiting counts as "cannot carry it": with more turns than one
 * request takes, asking every turn each round would queue more than a round sends.
 *
 * Hosted Realtime counts every message delivered to every subscriber against the plan's
 * messages per second (https://supabase.com/docs/guides/realtime/limits: 100 on Free, 500 on
 * Pro): `minIntervalMs` spaces requests apart, which caps each answer at 1000 / minIntervalMs
 * events a second (CHAT_BROADCAST_MIN_INTERVAL_MS; 0, no spacing, by default).
 *
 * A failure is logged (at most once a minute) and never reaches the caller: live fan-out is
 * best effort; the database and the SSE views hold the truth. A request that failed in a way
 * that may pass a moment later (no answer, a timeout, 408, 429, 5xx: a Realtime restarting or
 * briefly overloaded) is sent once more, ahead of everything queued since and after
 * RETRY_AFTER_MS, so a device does not lose a unit it had no later unit to notice missing by (an
 * answer's first token while the provider thinks); a device that gets a unit twice keeps the
 * first (its `seq` is not new), and `done` twice is harmless. For the same reason the queue is
 * bounded: when Realtime hangs (each request waits out its 5 s timeout) or falls behind, the
 * oldest stream units (`delta`/`reasoning` with a `seq`) are dropped once more than
 * `maxQueued` messages wait. A device that misses one sees a gap in `seq` and re-reads the
 * answer (GET /chat/{id}/stream from its `seq`), and re-reads the row on `done`; `done` and
 * every other event are never dropped.
 */
import type { Logger } from './log.ts';

export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface RestOutboxOptions {
  supabaseUrl: string;
  /** The project's secret or service-role key. */
  secretKey: string;
  fetch: typeof fetch;
  log: Logger;
  /** The longest a `whenReady` caller waits while a request is in flight (default 50 ms). */
  maxWaitMs?: number;
  /** The least time between the starts of two requests (default 0: as soon as the last one answered). */
  minIntervalMs?: number;
  /** Largest batch per request (the endpoint accepts many messages per call). */
  maxBatch?: number;
  /** Most messages waiting before the oldest stream units are dropped (default 5,000: ten full requests). */
  maxQueued?: number;
  /** Messages that left the outbox: sent, failed or dropped. */
  onLeft?: (messages: readonly BroadcastMessage[]) => void;
}

export interface RestOutbox {
  /** Queues a message for the next request (at once when none is in flight). */
  send(message: BroadcastMessage): void;
  /**
   * Calls `take` once, when the outbox can carry what the caller has: in a microtask when no
   * request is in flight, otherwise right before the next request is built, and at the latest
   * `maxWaitMs` after this call. `take` hands its messages over with send().
   */
  whenReady(take: () => void): void;
  /** Something is queued, waiting to be taken or in flight. */
  busy(): boolean;
  /** Resolves once everything queued so far was sent (or failed). */
  flush(): Promise<void>;
}

const FAILURE_LOG_EVERY_MS = 60_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** How long a failed request's messages wait before their one more try (nothing else goes meanwhile). */
export const RETRY_AFTER_MS = 250;

/** Whether the same request may pass a moment later: no answer at all, or a status that says so. */
const retryable = (status: number | null) => status === null || status === 408 || status === 429 || status >= 500;

/** A stream unit: a device that misses it notices the gap in `seq` and re-reads the answer. */
const isStreamUnit = (m: BroadcastMessage) => (m.event === 'delta' || m.event === 'reasoning') && typeof m.payload.seq === 'number';

/** Runs a caller's `take`; a failure is logged, never thrown into the outbox. */
export function runTaker(take: () => void, log: Logger): void {
  try {
    take();
  } catch (error) {
    log.warn('realtime broadcast source failed', { message: error instanceof Error ? error.message : String(error) });
  }
}

export function createRestOutbox(options: RestOutboxOptions): RestOutbox {
  const maxWait = options.maxWaitMs ?? 50;
  const minInterval = options.minIntervalMs ?? 0;
  const maxBatch = options.maxBatch ?? 500;
  const maxQueued = options.maxQueued ?? 5_000;
  const url = `${options.supabaseUrl}/realtime/v1/api/broadcast`;
  const key = options.secretKey;
  const onLeft = options.onLeft ?? (() => {});
  const queue: BroadcastMessage[] = [];
  let takers: (() => void)[] = [];
  /** When the oldest waiting taker asked. */
  let takersSince = 0;
  let deadline: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let dispatchQueued = false;
  /** When the last request started, and the timer that waits out minIntervalMs after it. */
  let lastStart = -Infinity;
  /** After a failed request: nothing leaves before this (its messages' one more try). */
  let pausedUntil = -Infinity;
  /** Messages that failed once already: a second failure drops them. */
  const retried = new WeakSet<BroadcastMessage>();
  let spacer: ReturnType<typeof setTimeout> | null = null;
  const lastFailureLog = { retrying: 0, dropped: 0 };
  let lastDropLog = 0;
  let droppedSinceLog = 0;

  /**
   * Over the bound: drops the oldest stream units, in one pass, until a quarter of the bound
   * is free again (so a queue at the bound does not pay a pass per message).
   */
  const trim = () => {
    let excess = queue.length - Math.floor(maxQueued * 0.75);
    let kept = 0;
    const dropped: BroadcastMessage[] = [];
    for (const message of queue) {
      if (excess > 0 && isStreamUnit(message)) {
        excess -= 1;
        dropped.push(message);
      } else queue[kept++] = message;
    }
    droppedSinceLog += queue.length - kept;
    queue.length = kept;
    onLeft(dropped);
    if (Date.now() - lastDropLog > FAILURE_LOG_EVERY_MS) {
      lastDropLog = Date.now();
      options.log.warn('realtime broadcast queue full: oldest stream units dropped', { dropped: droppedSinceLog, queued: kept });
      droppedSinceLog = 0;
    }
  };

  /** The takers hand over what they have now (their messages join the queue). */
  const runTakers = () => {
    if (deadline) clearTimeout(deadline);
    deadline = null;
    const due = takers;
    takers = [];
    for (const take of due) runTaker(take, options.log);
  };

  /** Waiting takers hand over at the latest maxWaitMs after the oldest asked. */
  const armDeadline = () => {
    if (takers.length > 0 && !deadline) deadline = setTimeout(runTakers, Math.max(0, takersSince + maxWait - performance.now()));
  };

  const dispatch = () => {
    dispatchQueued = false;
    if (inFlight) return;
    if (queue.length < maxBatch) runTakers();
    if (queue.length === 0) return;
    const batch = queue.splice(0, maxBatch);
    lastStart = performance.now();
    inFlight = post(batch).then((failure) => {
      inFlight = null;
      const again = failure?.retryable ? batch.filter((m) => !retried.has(m)) : [];
      if (failure) logFailure(failure.message, again.length, batch.length - again.length);
      if (again.length > 0) {
        for (const m of again) retried.add(m);
        queue.unshift(...again);
        pausedUntil = performance.now() + RETRY_AFTER_MS;
        const back = new Set(again);
        onLeft(batch.filter((m) => !back.has(m)));
        if (queue.length > maxQueued) trim();
      } else onLeft(batch);
      if (queue.length > 0 || takers.length > 0) schedule();
    });
    // Takers left waiting behind a full batch are still asked within maxWaitMs.
    armDeadline();
  };

  const schedule = () => {
    const wait = inFlight ? Infinity : Math.max(lastStart + minInterval, pausedUntil) - performance.now();
    if (wait <= 0) {
      // A microtask, not a timer: whatever the current task still sends joins this request.
      if (!dispatchQueued) {
        dispatchQueued = true;
        queueMicrotask(dispatch);
      }
      return;
    }
    if (!inFlight) {
      spacer ??= setTimeout(() => {
        spacer = null;
        dispatch();
      }, wait);
    }
    // A slow request (or a long spacing): takers hand over at the bound anyway; their messages go next.
    armDeadline();
  };

  /** Sends one batch; what failed, or null when Realtime took it. */
  async function post(batch: BroadcastMessage[]): Promise<{ message: string; retryable: boolean } | null> {
    try {
      const response = await options.fetch(url, {
        method: 'POST',
        headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: batch.map((m) => ({ ...m, private: true })) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return response.ok ? null : { message: `HTTP ${response.status}`, retryable: retryable(response.status) };
    } catch (error) {
      return { message: error instanceof Error ? error.message : String(error), retryable: retryable(null) };
    }
  }

  /** At most once a minute for failures tried again and once for those that dropped messages. */
  function logFailure(message: string, retrying: number, dropped: number) {
    const outcome = dropped > 0 ? 'dropped' : 'retrying';
    if (Date.now() - lastFailureLog[outcome] < FAILURE_LOG_EVERY_MS) return;
    lastFailureLog[outcome] = Date.now();
    options.log.warn('realtime broadcast failed', { message, retrying, dropped });
  }

  const busy = () => queue.length > 0 || takers.length > 0 || inFlight !== null || dispatchQueued || spacer !== null;

  return {
    send(message) {
      queue.push(message);
      if (queue.length > maxQueued) trim();
      schedule();
    },
    whenReady(take) {
      if (takers.length === 0) takersSince = performance.now();
      takers.push(take);
      schedule();
    },
    busy,
    async flush() {
      while (busy()) {
        if (inFlight) await inFlight;
        else if (spacer) await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastStart + minInterval, pausedUntil) - performance.now()));
        else await new Promise<void>((resolve) => queueMicrotask(resolve));
      }
    },
  };
}
