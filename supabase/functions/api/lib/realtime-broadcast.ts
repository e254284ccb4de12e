/**
 * Live fan-out of running turns over Realtime Broadcast: each message goes to its topic's
 * private channel over a WebSocket when the topic is joined (realtime-socket.ts), and through
 * the REST outbox otherwise (realtime-outbox.ts: batching, spacing, the bounded queue).
 *
 * `open(topic)` joins the topic's private channel (paced, join-pacer.ts), and once it is joined
 * its messages are written to the socket as they come — a frame each, no HTTP request — and
 * `whenReady` hands over at once. Until then (joining, a refused join, a socket that is down,
 * more turns than channels) they go through the REST outbox, and each topic keeps its order
 * across the switch: a message never goes over the socket while earlier ones of its topic are
 * still queued or in flight over REST. When the turn closes its topic (after `done`) the
 * channel is left once those are out; a leave the server does not confirm sends the `done`s
 * that went over the socket again over REST (a device may see one twice, never none).
 *
 * Failures never reach the caller: live fan-out is best effort; the database and the SSE views
 * hold the truth.
 */
import type { Logger } from './log.ts';
import { createJoinPacer } from './join-pacer.ts';
import { createRestOutbox, runTaker, type BroadcastMessage, type RestOutboxOptions } from './realtime-outbox.ts';
import { createLiveChannels, type LiveChannel, type LiveChannels, type LiveChannelsOptions } from './realtime-socket.ts';

export type { BroadcastMessage } from './realtime-outbox.ts';

export interface Broadcaster {
  /** Writes a message to its topic's joined channel, or queues it in the REST outbox. */
  send(message: BroadcastMessage): void;
  /**
   * Calls `take` once, when the topic's messages can go: at once over a joined channel,
   * otherwise when the REST outbox can carry them (RestOutbox.whenReady). `take` hands its
   * messages over with send().
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

export interface BroadcasterOptions extends Omit<RestOutboxOptions, 'secretKey' | 'onLeft'> {
  /** The project's secret or service-role key; without one, broadcasting is off. */
  secretKey: string | null;
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

export function createBroadcaster(options: BroadcasterOptions): Broadcaster {
  const minInterval = options.minIntervalMs ?? 0;
  const key = options.secretKey;
  const topics = new Map<string, Topic>();
  /**
   * Messages queued or in flight over REST, by topic, whether or not a turn has the topic open:
   * none of a topic may go over the socket before they are out. A turn's first units go over
   * REST while its join is under way (or waits for the pacer), and they must still arrive
   * first: a unit sent before the join and counted only from it was overtaken by the units
   * after the join when its REST request was slow (a clean clone under load: seq 1 after 2–15).
   */
  const restByTopic = new Map<string, number>();
  const restOf = (topic: Topic) => restByTopic.get(topic.name) ?? 0;
  const outbox = key
    ? createRestOutbox({
        ...options,
        secretKey: key,
        onLeft: (messages) => {
          for (const message of messages) settled(message);
        },
      })
    : null;
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

  /** A message left the REST outbox (sent, failed or dropped); every one went in through enqueue. */
  const settled = (message: BroadcastMessage) => {
    const left = (restByTopic.get(message.topic) ?? 1) - 1;
    if (left > 0) restByTopic.set(message.topic, left);
    else restByTopic.delete(message.topic);
    const topic = topics.get(message.topic);
    if (!topic || left > 0) return;
    if (topic.held.length > 0) {
      const due = topic.held;
      topic.held = [];
      // Over the socket in order; once one cannot go (the socket went down), the rest follow it over REST.
      let rest = false;
      for (const held of due) {
        rest ||= !writeToSocket(topic, held);
        if (rest) enqueue(held);
      }
      if (restOf(topic) > 0) return;
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
        if (!confirmed) for (const done of dones) enqueue(done);
      })
      .finally(() => {
        topic.leaving = null;
        leaves.delete(leaving);
        if (topic.turns > 0) joinSoon(topic);
        else if (restOf(topic) === 0) topics.delete(topic.name);
      });
    topic.leaving = leaving;
    leaves.add(leaving);
  };

  const enqueue = (message: BroadcastMessage) => {
    if (!outbox) return;
    restByTopic.set(message.topic, (restByTopic.get(message.topic) ?? 0) + 1);
    outbox.send(message);
  };

  /** The topic's messages can go over its socket now. */
  const live = (topic: Topic | undefined): boolean => topic !== undefined && restOf(topic) === 0 && topic.channel?.ready === true;

  /** Writes a message to the topic's joined channel; false when the socket could not take it. */
  const writeToSocket = (topic: Topic, message: BroadcastMessage): boolean => {
    if (!topic.channel?.ready || !topic.channel.send(message.event, message.payload)) return false;
    topic.lastSocketSend = performance.now();
    if (message.event === 'done') topic.dones.push(message);
    return true;
  };

  return {
    send(message) {
      if (!key) return;
      const topic = topics.get(message.topic);
      if (topic && (topic.held.length > 0 || (topic.channel?.ready && restOf(topic) > 0))) {
        // Joined, but earlier messages are still on their way over REST: this one follows
        // them over the socket once they are out (sending it over REST too would keep the
        // topic on REST for as long as its units come faster than a REST round trip), or
        // after the ones held before it, whichever way those go.
        topic.held.push(message);
        return;
      }
      if (topic && live(topic) && writeToSocket(topic, message)) return;
      enqueue(message);
    },
    whenReady(take, name) {
      const topic = name === undefined ? undefined : topics.get(name);
      if (topic && live(topic)) {
        // Over the socket: at once (minIntervalMs still spaces one answer's messages).
        const wait = topic.lastSocketSend + minInterval - performance.now();
        if (wait <= 0) queueMicrotask(() => runTaker(take, options.log));
        else setTimeout(() => runTaker(take, options.log), wait);
        return;
      }
      if (topic?.channel?.ready) {
        // Joined, with earlier messages still on their way over REST: hand over at once; what
        // the taker sends is held for the socket until those are out (send()).
        queueMicrotask(() => runTaker(take, options.log));
        return;
      }
      // Without a key nothing is sent, but the source still goes on.
      if (outbox) outbox.whenReady(take);
      else queueMicrotask(() => runTaker(take, options.log));
    },
    open(name) {
      let topic = topics.get(name);
      if (!topic) topics.set(name, (topic = { name, turns: 0, channel: null, dones: [], lastSocketSend: -Infinity, held: [], leaving: null, joinAsked: false }));
      topic.turns += 1;
      if (key && socketOptions && socketOptions.maxChannels !== 0 && wantsJoin(topic) && !topic.joinAsked) joinSoon(topic);
      let closed = false;
      const opened = topic;
      return () => {
        if (closed) return;
        closed = true;
        opened.turns -= 1;
        if (opened.turns === 0 && restOf(opened) === 0) leave(opened);
      };
    },
    async flush() {
      // A leave the server did not confirm queues its `done`s again; settling a topic may leave it.
      while (outbox?.busy() || leaves.size > 0) {
        if (outbox?.busy()) await outbox.flush();
        else await Promise.all(leaves);
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
