// The messages of a chat that are waiting for a connection: written while offline, behind
// another waiting message, or sent when Mr.Prompt could not be reached (the POST got no answer
// at all). Like a messaging app's outbox, each is shown in the chat as "Waiting for a
// connection" with Send now / Edit / Cancel, kept through a reload and through the tab being
// closed (drafts.ts, the browser's localStorage: the next tab of this person that opens the chat
// sends it; closing a tab while one waits asks first), and sent by itself, oldest first and one
// at a time, once the browser is back online (`online`), a try finds the server again (a retry
// every few seconds while the browser says it is online), or the answer being written in the
// chat ends (409 turn_running waits).
// Sent exactly once, also with two tabs of the chat open, both holding the list: the list in
// storage is what counts (each change reads it afresh, and a `storage` event brings another
// tab's changes), a message is sent only by the tab holding its Web Lock, which first checks it
// is still listed and takes it off once sent; and each carries its client id (POST /chat
// `client_id`), which the server refuses once stored (409 already_sent, turn-sender.ts shows the
// stored question) — a POST that reached it but whose answer was lost is not asked twice either.
import { askBeforeLeaving } from '$lib/page-leaving';
import { queuedKey, readQueued, writeQueued, type QueuedMessage } from '$lib/chat/drafts';

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
  private started = false;
  /** The last write to storage went through (a full one holds an older list: this page's counts). */
  private stored = true;
  /** Stops the question before leaving, asked while messages wait. */
  private stopAsking: (() => void) | null = null;

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
    this.askWhileWaiting();
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
    this.change((items) => [...items, message]);
    this.retrySoon();
  }

  /**
   * Takes a waiting message out of the queue (Cancel, Edit), holding its Web Lock as a send
   * does: 'sending' while this tab or another is sending it (its POST is on its way: taking it
   * back now would neither stop it nor keep it from being a question), null when it is gone.
   */
  async take(id: string): Promise<QueuedMessage | 'sending' | null> {
    if (id === this.sendingId) return 'sending';
    const taken = await holdingItsLock(id, async () => {
      const message = this.reread().find((m) => m.id === id);
      if (message) this.change((items) => items.filter((m) => m.id !== id));
      return message ?? null;
    });
    return taken === 'busy' ? 'sending' : taken;
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
      while (this.reread().length > 0 && !this.stopped) {
        if (this.chat.streaming) return void (this.waitingFor = 'answer');
        if (!now && !browserOnline()) return void (this.waitingFor = 'connection');
        const message = this.items[0]!;
        this.sendingId = message.id;
        const result = await holdingItsLock(message.id, async () => {
          // Another tab may have sent it while this one waited for its turn.
          if (!this.reread().some((m) => m.id === message.id)) return 'gone';
          const result = await this.chat.sendQueued(message);
          // Sent (or refused, its text given back to the message box): it leaves the queue, in
          // storage too before the lock goes, so no other tab takes it up.
          if (result === 'sent' || result === 'refused') this.change((items) => items.filter((m) => m.id !== message.id));
          return result;
        }).finally(() => (this.sendingId = null));
        if (result === 'busy') {
          // Another tab is sending it: its removal from storage (a `storage` event) brings the
          // next; a try later covers that tab being closed before it could send.
          this.retryLater();
          return;
        }
        if (result === 'unreachable' || result === 'running') {
          this.waitingFor = result === 'running' ? 'answer' : 'connection';
          this.retryLater(); // the network back without an `online` event; an answer not followed here
          return;
        }
        this.retryMs = RETRY_FIRST_MS;
        now = false;
      }
    } finally {
      this.flushing = false;
      this.reread(); // a new chat that got its id keeps its queue under it
    }
  }

  /** Follows the browser's connection: sends once it is back online. Returns the stop. */
  start(): () => void {
    const online = () => {
      this.retryMs = RETRY_FIRST_MS;
      void this.flush();
    };
    // Another tab of this browser added, sent or cancelled one of this chat's messages.
    const changed = (event: StorageEvent) => {
      if (event.key !== queuedKey(this.userId, this.keyedSession)) return;
      this.reread();
      void this.flush();
    };
    window.addEventListener('online', online);
    window.addEventListener('storage', changed);
    this.started = true;
    this.askWhileWaiting();
    void this.flush();
    return () => {
      this.stopped = true;
      window.removeEventListener('online', online);
      window.removeEventListener('storage', changed);
      this.stopAsking?.();
      this.stopAsking = null;
      if (this.timer) clearTimeout(this.timer);
    };
  }

  /** Closing or reloading the tab asks first while messages wait (only then: a `beforeunload`
   * listener keeps some browsers from keeping the page for Back). */
  private askWhileWaiting(): void {
    const ask = this.started && !this.stopped && this.items.length > 0;
    if (ask && !this.stopAsking) this.stopAsking = askBeforeLeaving(() => this.items.length > 0);
    else if (!ask && this.stopAsking) {
      this.stopAsking();
      this.stopAsking = null;
    }
  }

  /** The list as stored now (another tab may have changed it), shown. */
  private reread(): QueuedMessage[] {
    this.rekey();
    const stored = readQueued(this.userId, this.keyedSession, this.storeArg());
    // Without storage (blocked) the page's own list is all there is. Unchanged, the shown list
    // stays the same object: what follows it (queued-sends.svelte.ts) would try again at once.
    const same = JSON.stringify(stored) === JSON.stringify(this.items);
    if (!same && (stored.length > 0 || this.canStore())) this.items = stored;
    return this.items;
  }

  /** Changes the stored list as it is now, not as this page last saw it. */
  private change(edit: (items: QueuedMessage[]) => QueuedMessage[]): void {
    this.items = edit(this.canStore() ? this.reread() : this.items);
    this.save();
  }

  /** Keeps the queue under the chat's current id (a new chat's moves to its id once it has one). */
  save(): void {
    this.rekey();
    this.stored = writeQueued(this.userId, this.keyedSession, this.items, this.storeArg());
  }

  /** A new chat that got its id: its waiting messages move under it. */
  private rekey(): void {
    const session = this.chat.sessionId;
    if (session === this.keyedSession) return;
    const moving = readQueued(this.userId, this.keyedSession, this.storeArg());
    writeQueued(this.userId, this.keyedSession, [], this.storeArg());
    this.keyedSession = session;
    const there = readQueued(this.userId, session, this.storeArg());
    const merged = [...there, ...moving.filter((m) => !there.some((t) => t.id === m.id))];
    if (merged.length > 0) writeQueued(this.userId, session, merged, this.storeArg());
  }

  /** Whether the list can be kept at all (storage blocked or full: only this page holds it). */
  private canStore(): boolean {
    return this.stored && (this.store === undefined ? sharedStore() : this.store) !== null;
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

function sharedStore(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * Runs `run` holding this message's Web Lock, shared by every tab of the browser: 'busy' when
 * another tab holds it (it is sending that message, or taking it back). Without Web Locks it
 * just runs, and the client id keeps a second send from being a second question.
 */
async function holdingItsLock<T>(id: string, run: () => Promise<T>): Promise<T | 'busy'> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return await run();
  return await locks.request(`mrprompt-queued:${id}`, { ifAvailable: true }, async (lock) => (lock ? await run() : 'busy'));
}

export function browserOnline(): boolean {
  return typeof navigator === 'undefined' ? true : navigator.onLine !== false;
}
