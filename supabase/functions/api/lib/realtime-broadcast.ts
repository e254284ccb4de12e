/**
 * Sends Realtime Broadcast messages from the server, the way hosted Supabase accepts them:
 * `POST ${SUPABASE_URL}/realtime/v1/api/broadcast` with the secret (service-role) key and a
 * body `{ messages: [{ topic, event, payload, private }] }` — the REST endpoint that
 * @supabase/realtime-js's `channel.send()` also uses when it is not joined
 * (https://supabase.com/docs/guides/realtime/broadcast, "Broadcast using the REST API").
 *
 * Messages from every running turn share one outbox: at most one request every `intervalMs`
 * (50 ms), one in flight at a time, so 1,000 streaming answers cost ~20 requests a second, not
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
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let lastSend = 0;
  let lastFailureLog = 0;

  const schedule = () => {
    if (timer || inFlight || queue.length === 0) return;
    const wait = Math.max(0, lastSend + interval - Date.now());
    timer = setTimeout(() => {
      timer = null;
      inFlight = post(queue.splice(0, maxBatch)).finally(() => {
        inFlight = null;
        schedule();
      });
    }, wait);
  };

  async function post(batch: BroadcastMessage[]) {
    lastSend = Date.now();
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

/** The private channel a session's live answer goes to (joined as `session:<id>` with `private: true`). */
export const sessionTopic = (sessionId: string) => `session:${sessionId}`;
