/**
 * Sends Realtime Broadcast messages from the server, the way hosted Supabase accepts them:
 * `POST ${SUPABASE_URL}/realtime/v1/api/broadcast` with the secret (service-role) key and a
 * body `{ messages: [{ topic, event, payload, private }] }` — the REST endpoint that
 * @supabase/realtime-js's `channel.send()` also uses when it is not joined
 * (https://supabase.com/docs/guides/realtime/broadcast, "Broadcast using the REST API").
 *
 * Messages from every running turn share one outbox: at most one request every `intervalMs`
 * (50 ms; a message that finds the outbox idle goes at once), one in flight at a time, so 1,000 streaming answers cost ~20 requests a second, not
 * 1,000 × tokens. A failure is logged (at most once a minute) and never reaches the caller:
 * live fan-out is best effort; the database and the SSE views hold the truth.
 */
import type { Logger } from './log.ts';

export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface Broadcaster {
  send(message: BroadcastMessage): void;
  /** Resolves once everything queued so far was sent (or failed). */
  flush(): Promise<void>;
}

export interface BroadcasterOptions {
  supabaseUrl: string;
  /** The project's secret or service-role key; without one, broadcasting is off. */
  secretKey: string | null;
  fetch: typeof fetch;
  log: Logger;
  intervalMs?: number;
  /** Largest batch per request (the endpoint accepts many messages per call). */
  maxBatch?: number;
}

const FAILURE_LOG_EVERY_MS = 60_000;
const REQUEST_TIMEOUT_MS = 5_000;

export function createBroadcaster(options: BroadcasterOptions): Broadcaster {
  const interval = options.intervalMs ?? 50;
  const maxBatch = options.maxBatch ?? 500;
  const url = `${options.supabaseUrl}/realtime/v1/api/broadcast`;
  const key = options.secretKey;
  let queue: BroadcastMessage[] = [];
  /** When the oldest queued message was queued. */
  let queuedSince = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  /** The earliest time the next request is due: the last one's due time + interval. */
  let nextDue = 0;
  let lastFailureLog = 0;

  // Leading edge: a message that finds the outbox idle for `interval` goes out at once; one
  // queued sooner waits for the next due time. Due times, not the times requests actually
  // left, are spaced `interval` apart: a timer that fires late under load does not push every
  // later batch back, and the outbox keeps in step with the turns' own 50 ms units instead
  // of trailing them by a few milliseconds each time.
  const schedule = () => {
    if (timer || inFlight || queue.length === 0) return;
    const due = Math.max(nextDue, queuedSince);
    timer = setTimeout(() => {
      timer = null;
      nextDue = due + interval;
      const batch = queue.splice(0, maxBatch);
      queuedSince = Date.now(); // what is left waited since now at most
      inFlight = post(batch).finally(() => {
        inFlight = null;
        schedule();
      });
    }, Math.max(0, due - Date.now()));
  };

  async function post(batch: BroadcastMessage[]) {
    try {
      const response = await options.fetch(url, {
        method: 'POST',
        headers: { apikey: key ?? '', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: batch.map((m) => ({ ...m, private: true })) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (Date.now() - lastFailureLog > FAILURE_LOG_EVERY_MS) {
        lastFailureLog = Date.now();
        options.log.warn('realtime broadcast failed', { message: error instanceof Error ? error.message : String(error), dropped: batch.length });
      }
    }
  }

  return {
    send(message) {
      if (!key) return;
      if (queue.length === 0) queuedSince = Date.now();
      queue.push(message);
      schedule();
    },
    async flush() {
      while (queue.length > 0 || inFlight || timer) {
        if (inFlight) await inFlight;
        else await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },
  };
}

/**
 * The private channel a session's live answer goes to (joined with `private: true`):
 * `session:<id>`, or `session:<id>:<epoch>` once people were removed from the group chat
 * (chat_sessions.channel_epoch; the policies authorise only the current one).
 */
export const sessionTopic = (sessionId: string, epoch = 0) => (epoch > 0 ? `session:${sessionId}:${epoch}` : `session:${sessionId}`);
