// A chat deleted in this tab is first only hidden: the request goes when the toast that offers
// its Undo goes (its time runs out — held while the pointer or the keyboard is on it — or × is
// pressed, or newer toasts push it out), as Gmail's delete does. Until then the chat stays in the
// lists' data, hidden by `gone`, so Undo puts it back exactly where it was (and changes heard
// meanwhile, a rename, stay); other devices still show it until the request is sent.
//
// The person's decision outlives the page: when the tab is closed, reloaded, navigated away or
// hidden, what is pending is sent at once as `keepalive` requests, which outlive the page. A
// delete the API refuses brings the chat back, with the reason.
import { onPageLeaving, type PageEvents } from '../page-leaving.ts';
import { boundedAll, bulkSummary, chats, type Outcome } from './bulk-requests';

/** A chat to delete: its id and its title as shown. */
export interface Doomed {
  id: string;
  name: string;
}

/** What a delete's caller hears after the toast: its chats deleted, or put back. */
export interface DeleteHooks {
  /** Each chat the API deleted (or had deleted already). */
  onDeleted?: (id: string) => void;
  /** Undo was pressed: the chats are back. */
  onUndone?: () => void;
}

export interface PendingDeletesDeps {
  /** Sends one chat's delete; `unloading`: the page is going away (a `keepalive` request). */
  send(id: string, unloading: boolean): Promise<void>;
  /** Offers Undo in a toast; `gone` when it went without Undo pressed. Returns the toast's id. */
  offerUndo(message: string, undo: () => void, gone: () => void): number;
  /** Takes the toast away without calling its `gone`. */
  withdraw(toastId: number): void;
  success(message: string): void;
  error(message: string): void;
  /** Whether a failed delete found the chat gone already (a 404: another device deleted it). */
  alreadyGone(err: unknown): boolean;
  /** Where the page's lifecycle is heard (absent on the server). */
  page?: PageEvents;
}

/** How many deletes run at once. */
export const AT_ONCE = 4;
/** How long a delete waits for Undo. */
export const UNDO_MS = 8000;

interface Batch {
  items: Doomed[];
  hooks: DeleteHooks;
  toast: number;
}

export class PendingDeletes {
  private readonly batches = new Set<Batch>();
  private listening: (() => void) | null = null;

  /** `gone`: the chats this tab deleted or is about to; a reactive set in the app. */
  constructor(
    private readonly deps: PendingDeletesDeps,
    readonly gone: Set<string> = new Set(),
  ) {}

  /** Whether the lists should leave this chat out. */
  hides = (id: string): boolean => this.gone.has(id);

  /** Whether any delete waits for its toast to go. */
  get pending(): boolean {
    return this.batches.size > 0;
  }

  /** Hides `items` at once and deletes them once their toast goes, unless Undo is pressed. */
  delete(items: readonly Doomed[], hooks: DeleteHooks = {}): void {
    const fresh = items.filter((item) => !this.gone.has(item.id));
    if (fresh.length === 0) return;
    for (const item of fresh) this.gone.add(item.id);
    const message = fresh.length === 1 ? `Deleted “${fresh[0]!.name}”.` : `${chats(fresh.length)} deleted.`;
    const batch: Batch = { items: fresh, hooks, toast: 0 };
    this.batches.add(batch);
    batch.toast = this.deps.offerUndo(message, () => this.undo(batch), () => void this.send(batch, false));
    this.listen();
  }

  /** Sends every pending delete now (the page is going away, or its session is). */
  async flush(): Promise<void> {
    const batches = [...this.batches];
    for (const batch of batches) this.deps.withdraw(batch.toast);
    await Promise.all(batches.map((batch) => this.send(batch, true)));
  }

  private undo(batch: Batch) {
    if (!this.batches.delete(batch)) return;
    this.stopListeningIfIdle();
    for (const item of batch.items) this.gone.delete(item.id);
    const [first] = batch.items;
    this.deps.success(batch.items.length === 1 ? `“${first!.name}” is back.` : `${chats(batch.items.length)} are back.`);
    batch.hooks.onUndone?.();
  }

  private async send(batch: Batch, unloading: boolean) {
    // Sent once: a toast pushed out while the page flushes, or the flush of a hidden tab and then of its close.
    if (!this.batches.delete(batch)) return;
    this.stopListeningIfIdle();
    const outcomes = await boundedAll(batch.items, AT_ONCE, async (item) => {
      try {
        await this.deps.send(item.id, unloading);
      } catch (err) {
        if (!this.deps.alreadyGone(err)) throw err;
      }
    });
    for (const outcome of outcomes) {
      if (outcome.ok) batch.hooks.onDeleted?.(outcome.item.id);
      else this.gone.delete(outcome.item.id);
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) this.deps.error(refusal(outcomes, failed.length));
  }

  /** While deletes wait, leaving the page sends them: on `beforeunload` too, which comes before a
   * reload's request for the next page (which then lists the chats without them). Heard only while
   * something waits (lib/page-leaving.ts). */
  private listen() {
    const page = this.deps.page;
    if (this.listening || !page) return;
    this.listening = onPageLeaving(() => void this.flush(), { beforeUnload: true, page });
  }

  private stopListeningIfIdle() {
    if (this.batches.size > 0 || !this.listening) return;
    this.listening();
    this.listening = null;
  }
}

/** The error for deletes the API refused, which are back in the list. */
function refusal(outcomes: Outcome<Doomed>[], failed: number): string {
  const [only] = outcomes;
  if (outcomes.length === 1 && only && !only.ok) return `Could not delete “${only.item.name}”: ${only.error.replace(/\.?$/, '.')} It is back in your chats.`;
  const summary = bulkSummary(outcomes, (item) => item.name, 'deleted');
  return `${summary.message} ${failed === 1 ? 'It is' : 'They are'} back in your chats.`;
}
