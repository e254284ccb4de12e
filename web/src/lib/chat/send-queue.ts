// The messages of a chat that are waiting for a connection: written while offline, behind
// another waiting message, or sent when Mr.Prompt could not be reached (the POST got no answer
// at all). Like a messaging app's outbox, each is shown in the chat as "Waiting for a
// connection" with Send now / Edit / Cancel, kept through a reload (drafts.ts, the tab's
// storage), and sent by itself, oldest first and one at a time, once the browser is back
// online (`online`), a try finds the server again (a retry every few seconds while the browser
// says it is online), or the answer being written in the chat ends (409 turn_running waits).
// Sent exactly once: each carries its client id (POST /chat `client_id`), and the server
// refuses an id it has stored (409 already_sent, turn-sender.ts) — a POST that reached it but
// whose answer was lost is not asked twice.
import { readQueued, writeQueued, type QueuedMessage } from '$lib/chat/drafts';

export type { QueuedMessage };

/** How a send of a waiting message went (turn-sender.ts `run`). */
export type SendResult = 'sent' | 'unreachable' | 'running' | 'refused';

/** What the queue needs from its chat. */
export interface QueueChat {
  readonly sessionId: string | null;
  /** An answer is being written in the chat: a new turn waits for its end. */
  readonly streaming: boolean;
  /** Sends one waiting message (its client id is the message's id). */
  sendQueued(message: QueuedMessage): Promise<SendResult>;
}

/** The retries while the browser says online but the server does not answer: 2 s, doubling up to a minute. */
export const RETRY_FIRST_MS = 2_000;
export const RETRY_MAX_MS = 60_000;

/** What the chat shows of its queue: its owner makes it reactive (chat-state.svelte.ts `$state`). */
export interface QueueState {
  /** Waiting, oldest first; the one being sent is still here (flagged by `sendingId`). */
  items: QueuedMessage[];
  /** The message whose POST is on its way: the chat shows it as a question being sent, not as waiting. */
  sendingId: string | null;
  /** Why the first one waits: no connection, or the answer being written in the chat. */
  waitingFor: 'connection' | 'answer';
}

export function emptyQueue(): QueueState {
  return { items: [], sendingId: null, waitingFor: 'connection' };
}

export class SendQueue {
  private keyedSession: string | null;
  private retryMs = RETRY_FIRST_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing = false;
  private stopped = false;

  constructor(
    private readonly userId: string | null,
    private readonly chat: QueueChat,
    private readonly state: QueueState = emptyQueue(),
    private readonly store?: Storage | null,
  ) {
    this.keyedSession = chat.sessionId;
    state.items = readQueued(userId, chat.sessionId, this.storeArg());
  }

  get items(): QueuedMessage[] {
    return this.state.items;
  }
  private set items(items: QueuedMessage[]) {
    this.state.items = items;
  }
  get sendingId(): string | null {
    return this.state.sendingId;
  }
  private set sendingId(id: string | null) {
    this.state.sendingId = id;
  }
  get waitingFor(): QueueState['waitingFor'] {
    return this.state.waitingFor;
  }
  private set waitingFor(why: QueueState['waitingFor']) {
    this.state.waitingFor = why;
  }

  /** The messages to show as waiting (not the one being sent). */
  get waiting(): QueuedMessage[] {
    return this.items.filter((m) => m.id !== this.sendingId);
  }

  /** Queues a message; it is sent after those before it. */
  add(message: QueuedMessage): void {
    this.items = [...this.items, message];
    this.save();
    this.retrySoon();
  }

  /** Takes a waiting message out of the queue (Cancel, Edit); null when it is being sent already. */
  take(id: string): QueuedMessage | null {
    const message = this.items.find((m) => m.id === id);
    if (!message || id === this.sendingId) return null;
    this.items = this.items.filter((m) => m.id !== id);
    this.save();
    return message;
  }

  /**
   * Sends the waiting messages, oldest first, each once the one before has been answered; stops
   * at one that cannot go yet (still no connection, or an answer running). `now`: asked for
   * (Send now), also while the browser says it is offline.
   */
  async flush(now = false): Promise<void> {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    try {
      while (this.items.length > 0 && !this.stopped) {
        if (this.chat.streaming) return void (this.waitingFor = 'answer');
        if (!now && !browserOnline()) return void (this.waitingFor = 'connection');
        const message = this.items[0]!;
        this.sendingId = message.id;
        const result = await this.chat.sendQueued(message).finally(() => (this.sendingId = null));
        if (result === 'unreachable' || result === 'running') {
          this.waitingFor = result === 'running' ? 'answer' : 'connection';
          this.retryLater(); // the network back without an `online` event; an answer not followed here
          return;
        }
        // Sent (or refused, its text given back to the message box): it leaves the queue.
        this.items = this.items.filter((m) => m.id !== message.id);
        this.retryMs = RETRY_FIRST_MS;
        this.save();
        now = false;
      }
    } finally {
      this.flushing = false;
      this.save(); // a new chat that got its id keeps its queue under it
    }
  }

  /** Follows the browser's connection: sends once it is back online. Returns the stop. */
  start(): () => void {
    const online = () => {
      this.retryMs = RETRY_FIRST_MS;
      void this.flush();
    };
    window.addEventListener('online', online);
    void this.flush();
    return () => {
      this.stopped = true;
      window.removeEventListener('online', online);
      if (this.timer) clearTimeout(this.timer);
    };
  }

  /** Keeps the queue under the chat's current id (a new chat's moves to its id once it has one). */
  save(): void {
    const session = this.chat.sessionId;
    if (session !== this.keyedSession) {
      writeQueued(this.userId, this.keyedSession, [], this.storeArg());
      this.keyedSession = session;
    }
    writeQueued(this.userId, session, this.items, this.storeArg());
  }

  private retrySoon(): void {
    if (typeof window !== 'undefined') queueMicrotask(() => void this.flush());
  }

  /** The browser says it is online but the server did not answer: try again a little later. */
  private retryLater(): void {
    if (this.timer || this.stopped || typeof window === 'undefined') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private storeArg(): Storage | null | undefined {
    return this.store === undefined ? undefined : this.store;
  }
}

export function browserOnline(): boolean {
  return typeof navigator === 'undefined' ? true : navigator.onLine !== false;
}
