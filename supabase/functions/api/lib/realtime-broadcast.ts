/**
 * Sends Realtime Broadcast messages from the server, the way hosted Supabase accepts them:
 * `POST ${SUPABASE_URL}/realtime/v1/api/broadcast` with the secret (service-role) key and a
 * body `{ messages: [{ topic, event, payload, private }] }` — the REST endpoint that
 * @supabase/realtime-js's `channel.send()` also uses when it is not joined
 * (https://supabase.com/docs/guides/realtime/broadcast, "Broadcast using the REST API").
 *
 * Every running turn shares one outbox with one request in flight at a time. Batching adapts
 * to that request instead of a fixed period: a message that finds the outbox idle leaves at
 * once; what comes while a request is in flight waits for its answer and then leaves, all of
 * it, in the next request. So one streaming answer goes out chunk by chunk, and 1,000 of them
 * still cost one request per round trip, not 1,000 × tokens. One request at a time also keeps
 * each topic's messages in the order they were sent.
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
 * A running turn's topic goes over a WebSocket instead (realtime-socket.ts): `open(topic)`
 * joins the topic's private channel, and once it is joined its messages are written to the
 * socket as they come — a frame each, no HTTP request — and `whenReady` hands over at once.
 * Until then (joining, a refused join, a socket that is down, more turns than channels) they
 * go through the REST outbox above, and each topic keeps its order across the switch: a
 * message never goes over the socket while earlier ones of its topic are still queued or in
 * flight over REST. When the turn closes its topic (after `done`) the channel is left once
 * those are out; a leave the server does not confirm sends the `done`s that went over the
 * socket again over REST (a device may see one twice, never none).
 *
 * A failure is logged (at most once a minute) and never reaches the caller: live fan-out is
 * best effort; the database and the SSE views hold the truth. For the same reason the queue is
 * bounded: when Realtime hangs (each request waits out its 5 s timeout) or falls behind, the
 * oldest stream units (`delta`/`reasoning` with a `seq`) are dropped once more than
 * `maxQueued` messages wait. A device that misses one sees a gap in `seq` and re-reads the
 * answer (GET /chat/{id}/stream from its `seq`), and re-reads the row on `done`; `done` and
 * every other event are never dropped.
 */
import type { Logger } from './log.ts';
import { createJoinPacer } from './join-pacer.ts';
import { createLiveChannels, type LiveChannel, type LiveChannels, type LiveChannelsOptions } from './realtime-socket.ts';

export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface Broadcaster {
  /** Queues a message for the next request (at once when none is in flight). */
  send(message: BroadcastMessage): void;
  /**
   * Calls `take` once, when the outbox can carry what the caller has: in a microtask when no
   * request is in flight, otherwise right before the next request is built, and at the latest
   * `maxWaitMs` after this call. `take` hands its messages over with send().
   */
  whenReady(take: () => void, topic?: string): void;
  /**
   * A turn streams to `topic` from now on: its channel is joined (when sockets are on) until
   * every opener has called the returned function, after its last message (`done`).
   */
  open(topic: string): () => void;
  /** Resolves once everything queued so far was sent (or failed), and channels closed were left. */
  flush(): Promise<void>;
}

export interface BroadcasterOptions {
  supabaseUrl: string;
  /** The project's secret or service-role key; without one, broadcasting is off. */
  secretKey: string | null;
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
  /**
   * Running turns' channels over WebSockets (realtime-socket.ts): at most `maxChannels` at once
   * (default 100; 0 or false: REST only).
   */
  sockets?: false | (Pick<LiveChannelsOptions, 'maxChannels' | 'channelsPerSocket' | 'transport' | 'timeoutMs'> & {
    /** Channel joins per second at most (default 20); a topic waiting for its join streams over REST. */
    joinsPerSecond?: number;
  });
}

/** A topic some turn has open, or whose messages are still on their way over REST. */
interface Topic {
  name: string;
  /** Turns that have it open. */
  turns: number;
  /** Its messages queued or in flight over REST: none may go over the socket before they are out. */
  rest: number;
  channel: LiveChannel | null;
  /** `done`s sent over the socket since the join: sent again over REST when the leave is not confirmed. */
  dones: BroadcastMessage[];
  lastSocketSend: number;
  /**
   * Messages for the socket (its channel is joined) held until its earlier messages are out
   * over REST, then written in order. The turn's units are cut as before meanwhile: its other
   * views (SSE) get them from the same cut and must not wait for a REST round trip.
   */
  held: BroadcastMessage[];
  leaving: Promise<void> | null;
  /** A join is waiting for the pacer. */
  joinAsked: boolean;
}

const FAILURE_LOG_EVERY_MS = 60_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** A stream unit: a device that misses it notices the gap in `seq` and re-reads the answer. */
const isStreamUnit = (m: BroadcastMessage) => (m.event === 'delta' || m.event === 'reasoning') && typeof m.payload.seq === 'number';

export function createBroadcaster(options: BroadcasterOptions): Broadcaster {
  const maxWait = options.maxWaitMs ?? 50;
  const minInterval = options.minIntervalMs ?? 0;
  const maxBatch = options.maxBatch ?? 500;
  const maxQueued = options.maxQueued ?? 5_000;
  const url = `${options.supabaseUrl}/realtime/v1/api/broadcast`;
  const key = options.secretKey;
  const queue: BroadcastMessage[] = [];
  let takers: (() => void)[] = [];
  /** When the oldest waiting taker asked. */
  let takersSince = 0;
  let deadline: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let dispatchQueued = false;
  /** When the last request started, and the timer that waits out minIntervalMs after it. */
  let lastStart = -Infinity;
  let spacer: ReturnType<typeof setTimeout> | null = null;
  let lastFailureLog = 0;
  let lastDropLog = 0;
  let droppedSinceLog = 0;
  const topics = new Map<string, Topic>();
  const leaves = new Set<Promise<void>>();
  const socketOptions = options.sockets === false ? null : options.sockets ?? {};
  let channels: LiveChannels | null = null;
  const liveChannels = () =>
    (channels ??= createLiveChannels({ supabaseUrl: options.supabaseUrl, key: key!, log: options.log, ...socketOptions }));

  /**
   * Joins are paced (join-pacer.ts, `joinsPerSecond`, default 20): a burst of new answers joining
   * at once slowed every answer's first token (bench, 200 / 500 at once, p95 TTFT 951–2,313 /
   * 2,115–3,272 ms against 754–1,026 / 1,749–1,856 over REST only). A topic waits its turn over
   * REST; one whose turns all ended meanwhile never joins, so a burst of short answers costs no joins.
   */
  const pacer = createJoinPacer((socketOptions && socketOptions.joinsPerSecond) || 20);
  const wantsJoin = (topic: Topic) => topic.turns > 0 && !topic.channel && !topic.leaving && topics.get(topic.name) === topic;
  const joinSoon = (topic: Topic) => {
    topic.joinAsked = true;
    pacer.request(
      () => {
        topic.joinAsked = false;
        topic.channel = liveChannels().join(topic.name);
      },
      () => {
        if (wantsJoin(topic)) return true;
        topic.joinAsked = false;
        return false;
      },
    );
  };

  /**
   * The REST messages counted in their topic's `rest`: only those queued while it was open. A
   * message queued before a turn opened its topic (a members change sent as a turn starts)
   * was never counted, and must not be taken off the count when it leaves.
   */
  const counted = new WeakSet<BroadcastMessage>();

  /** A message of `topic` left the REST outbox (sent, failed or dropped). */
  const settled = (message: BroadcastMessage) => {
    if (!counted.delete(message)) return;
    const topic = topics.get(message.topic);
    if (!topic) return;
    topic.rest -= 1;
    if (topic.rest > 0) return;
    if (topic.held.length > 0) {
      const due = topic.held;
      topic.held = [];
      // Over the socket in order; once one cannot go (the socket went down), the rest follow it over REST.
      let rest = false;
      for (const held of due) {
        rest ||= !writeToSocket(topic, held);
        if (rest) enqueue(held, topic);
      }
      if (topic.rest > 0) return;
    }
    if (topic.turns === 0) leave(topic);
  };

  /** Leaves the topic's channel (nobody has it open and nothing of it waits for REST). */
  const leave = (topic: Topic) => {
    if (topic.leaving) return;
    const channel = topic.channel;
    topic.channel = null;
    if (!channel) {
      topics.delete(topic.name);
      return;
    }
    const dones = topic.dones;
    topic.dones = [];
    const leaving = channel
      .leave()
      .then((confirmed) => {
        if (!confirmed) for (const done of dones) enqueue(done, topic);
      })
      .finally(() => {
        topic.leaving = null;
        leaves.delete(leaving);
        if (topic.turns > 0) joinSoon(topic);
        else if (topic.rest === 0) topics.delete(topic.name);
      });
    topic.leaving = leaving;
    leaves.add(leaving);
  };

  const enqueue = (message: BroadcastMessage, topic: Topic | undefined) => {
    if (topic) {
      topic.rest += 1;
      counted.add(message);
    }
    queue.push(message);
    if (queue.length > maxQueued) trim();
    schedule();
  };

  /** The topic's messages can go over its socket now. */
  const live = (topic: Topic | undefined): boolean => topic !== undefined && topic.rest === 0 && topic.channel?.ready === true;

  /** Writes a message to the topic's joined channel; false when the socket could not take it. */
  const writeToSocket = (topic: Topic, message: BroadcastMessage): boolean => {
    if (!topic.channel?.ready || !topic.channel.send(message.event, message.payload)) return false;
    topic.lastSocketSend = performance.now();
    if (message.event === 'done') topic.dones.push(message);
    return true;
  };

  const runTaker = (take: () => void) => {
    try {
      take();
    } catch (error) {
      options.log.warn('realtime broadcast source failed', { message: error instanceof Error ? error.message : String(error) });
    }
  };

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
    for (const message of dropped) settled(message);
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
    for (const take of due) runTaker(take);
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
    inFlight = post(batch).finally(() => {
      inFlight = null;
      if (topics.size > 0) for (const message of batch) settled(message);
      if (queue.length > 0 || takers.length > 0) schedule();
    });
    // Takers left waiting behind a full batch are still asked within maxWaitMs.
    armDeadline();
  };

  const schedule = () => {
    const wait = inFlight ? Infinity : lastStart + minInterval - performance.now();
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
      const topic = topics.get(message.topic);
      if (topic && (topic.held.length > 0 || (topic.channel?.ready && topic.rest > 0))) {
        // Joined, but earlier messages are still on their way over REST: this one follows
        // them over the socket once they are out (sending it over REST too would keep the
        // topic on REST for as long as its units come faster than a REST round trip), or
        // after the ones held before it, whichever way those go.
        topic.held.push(message);
        return;
      }
      if (topic && live(topic) && writeToSocket(topic, message)) return;
      enqueue(message, topic);
    },
    whenReady(take, name) {
      const topic = name === undefined ? undefined : topics.get(name);
      if (topic && live(topic)) {
        // Over the socket: at once (minIntervalMs still spaces one answer's messages).
        const wait = topic.lastSocketSend + minInterval - performance.now();
        if (wait <= 0) queueMicrotask(() => runTaker(take));
        else setTimeout(() => runTaker(take), wait);
        return;
      }
      if (topic?.channel?.ready) {
        // Joined, with earlier messages still on their way over REST: hand over at once; what
        // the taker sends is held for the socket until those are out (send()).
        queueMicrotask(() => runTaker(take));
        return;
      }
      if (takers.length === 0) takersSince = performance.now();
      takers.push(take);
      schedule();
    },
    open(name) {
      let topic = topics.get(name);
      if (!topic) topics.set(name, (topic = { name, turns: 0, rest: 0, channel: null, dones: [], lastSocketSend: -Infinity, held: [], leaving: null, joinAsked: false }));
      topic.turns += 1;
      if (key && socketOptions && socketOptions.maxChannels !== 0 && !topic.channel && !topic.leaving && !topic.joinAsked) joinSoon(topic);
      let closed = false;
      const opened = topic;
      return () => {
        if (closed) return;
        closed = true;
        opened.turns -= 1;
        if (opened.turns === 0 && opened.rest === 0) leave(opened);
      };
    },
    async flush() {
      while (queue.length > 0 || takers.length > 0 || inFlight || dispatchQueued || spacer || leaves.size > 0) {
        if (inFlight) await inFlight;
        else if (leaves.size > 0) await Promise.all(leaves);
        else if (spacer) await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastStart + minInterval - performance.now())));
        else await new Promise<void>((resolve) => queueMicrotask(resolve));
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
