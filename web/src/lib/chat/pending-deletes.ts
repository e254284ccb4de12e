// A chat deleted in this tab is first only hidden: the request goes when the toast that offers
// its Undo goes (its time runs out — held while the pointer or the keyboard is on it — or × is
// pressed, or newer toasts push it out), as Gmail's delete does. Until then the chat stays in the
// lists' data, hidden by `gone`, so Undo puts it back exactly where it was (and changes heard
// meanwhile, a rename, stay); other devices still show it until the request is sent.
//
// The person's decision outlives the page: when the tab is closed, reloaded, navigated away or
// hidden, what is pending is sent at once as `keepalive` requests, which outlive the page. Only
// requests started in that very moment get out (one waiting for another to answer never starts:
// the page is gone by then), so the chats go many to a request (POST /sessions/delete), every
// request started before the page's event returns. A delete the API refuses brings the chat
// back, with the reason. The prompt library deletes prompts the same way, in its own words
// (`words`).
import { onPageLeaving, type PageEvents } from '../page-leaving.ts';
import { bulkSummary, CHATS, failureReason, type Noun, type Outcome } from './bulk-requests';

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

export interface PendingDeletesDeps<T extends Doomed = Doomed> {
  /** Deletes these chats (at most SESSIONS_PER_REQUEST) in one request, started before it returns;
   * `keepalive`: the page is going away, so the request must outlive it. Resolves once the API
   * has answered (a chat it found gone already counts as deleted), throws when it refused: all
   * of `ids` come back, unless it throws a PartlyRefused naming the ones that did not go. */
  send(ids: string[], keepalive: boolean): Promise<void>;
  /** Offers Undo in a toast; `gone` when it went without Undo pressed. Returns the toast's id. */
  offerUndo(message: string, undo: () => void, gone: () => void): number;
  /** Takes the toast away without calling its `gone`. */
  withdraw(toastId: number): void;
  success(message: string): void;
  error(message: string): void;
  /** Where the page's lifecycle is heard (absent on the server). */
  page?: PageEvents;
  /** What the items are and where they come back to (chats, "your chats" unless said). */
  words?: DeleteWords<T>;
}

/** The words of a delete's messages, for items other than chats (prompts). */
export interface DeleteWords<T extends Doomed = Doomed> extends Noun {
  /** Where Undo or a refusal puts them back: "your chats". */
  home: string;
  /** The toast offering Undo, when it says more than how many went (what deleting them breaks). */
  deleted?(items: readonly T[]): string;
}

const CHAT_WORDS: DeleteWords = { ...CHATS, home: 'your chats' };

/** What `send` throws when only some of its ids were refused (items deleted one request each):
 * those come back, each with its reason, and the rest count as deleted. */
export class PartlyRefused extends Error {
  constructor(readonly refused: ReadonlyMap<string, string>) {
    super(`${refused.size} could not be deleted`);
  }
}

/** The most chats one request deletes: the API's cap (POST /sessions/delete). */
export const SESSIONS_PER_REQUEST = 100;
/** How many bytes of bodies this page's `keepalive` requests may have in flight: the browser
 * refuses one past 64 KiB in all, and other requests (an unsent upload's removal) share it. */
export const KEEPALIVE_BUDGET = 48 * 1024;
/** How long a delete waits for Undo. */
export const UNDO_MS = 8000;

interface Batch<T extends Doomed> {
  items: T[];
  hooks: DeleteHooks;
  toast: number;
}

export class PendingDeletes<T extends Doomed = Doomed> {
  private readonly batches = new Set<Batch<T>>();
  private listening: (() => void) | null = null;

  /** `gone`: the chats this tab deleted or is about to; a reactive set in the app. */
  constructor(
    private readonly deps: PendingDeletesDeps<T>,
    readonly gone: Set<string> = new Set(),
  ) {}

  private get words(): DeleteWords<T> {
    return this.deps.words ?? CHAT_WORDS;
  }

  /** Whether the lists should leave this chat out. */
  hides = (id: string): boolean => this.gone.has(id);

  /** Whether any delete waits for its toast to go. */
  get pending(): boolean {
    return this.batches.size > 0;
  }

  /** Hides `items` at once and deletes them once their toast goes, unless Undo is pressed. */
  delete(items: readonly T[], hooks: DeleteHooks = {}): void {
    const fresh = items.filter((item) => !this.gone.has(item.id));
    if (fresh.length === 0) return;
    for (const item of fresh) this.gone.add(item.id);
    const words = this.words;
    const message = words.deleted?.(fresh) ?? (fresh.length === 1 ? `Deleted “${fresh[0]!.name}”.` : `${words.count(fresh.length)} deleted.`);
    const batch: Batch<T> = { items: fresh, hooks, toast: 0 };
    this.batches.add(batch);
    batch.toast = this.deps.offerUndo(message, () => this.undo(batch), () => void this.send([batch], false));
    this.listen();
  }

  /** Sends every pending delete now (the page is going away, or its session is): all their
   * requests have started when this returns its promise. */
  flush(): Promise<void> {
    const batches = [...this.batches];
    for (const batch of batches) this.deps.withdraw(batch.toast);
    return this.send(batches, true);
  }

  private undo(batch: Batch<T>) {
    if (!this.batches.delete(batch)) return;
    this.stopListeningIfIdle();
    for (const item of batch.items) this.gone.delete(item.id);
    const [first] = batch.items;
    this.deps.success(batch.items.length === 1 ? `“${first!.name}” is back.` : `${this.words.count(batch.items.length)} are back.`);
    batch.hooks.onUndone?.();
  }

  /** Sends the batches' deletes together, every request started before the first `await`. */
  private async send(batches: Batch<T>[], unloading: boolean) {
    // Sent once: a toast pushed out while the page flushes, or the flush of a hidden tab and then of its close.
    const due = batches.filter((batch) => this.batches.delete(batch));
    if (due.length === 0) return;
    this.stopListeningIfIdle();
    const answers = deleteRequests(due.flatMap((batch) => batch.items.map((item) => item.id)), unloading).map(async ({ ids, keepalive }) => {
      try {
        await this.deps.send(ids, keepalive);
        return new Map<string, string>();
      } catch (err) {
        if (err instanceof PartlyRefused) return err.refused;
        return new Map(ids.map((id) => [id, failureReason(err)]));
      }
    });
    const refused = new Map<string, string>();
    for (const answer of await Promise.all(answers)) for (const [id, error] of answer) refused.set(id, error);
    for (const batch of due) this.report(batch, refused);
  }

  private report(batch: Batch<T>, refused: ReadonlyMap<string, string>) {
    const outcomes = batch.items.map((item): Outcome<T> => {
      const error = refused.get(item.id);
      return error === undefined ? { item, ok: true } : { item, ok: false, error };
    });
    for (const outcome of outcomes) {
      if (outcome.ok) batch.hooks.onDeleted?.(outcome.item.id);
      else this.gone.delete(outcome.item.id);
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) this.deps.error(refusal(outcomes, failed.length, this.words));
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

/**
 * The requests that carry `ids`: SESSIONS_PER_REQUEST to a request. While the page is going
 * away each is a `keepalive` request as long as the bodies fit the browser's budget; past it
 * (thousands of chats) the rest go as ordinary requests, which a hidden tab still completes.
 */
export function deleteRequests(ids: readonly string[], unloading: boolean): { ids: string[]; keepalive: boolean }[] {
  const out: { ids: string[]; keepalive: boolean }[] = [];
  let budget = unloading ? KEEPALIVE_BUDGET : 0;
  for (let start = 0; start < ids.length; start += SESSIONS_PER_REQUEST) {
    const chunk = ids.slice(start, start + SESSIONS_PER_REQUEST);
    const bytes = JSON.stringify({ ids: chunk }).length;
    const keepalive = bytes <= budget;
    if (keepalive) budget -= bytes;
    out.push({ ids: chunk, keepalive });
  }
  return out;
}

/**
 * A `send` for items the API deletes one request each (prompts): every request starts before
 * this returns — while the page is leaving, none would start later — and they are awaited
 * together. One it finds gone already (`alreadyGone`) counts as deleted; if any was refused, it
 * throws a PartlyRefused naming those, so that only they come back.
 */
export async function deleteEach(ids: readonly string[], request: (id: string) => Promise<unknown>, alreadyGone: (err: unknown) => boolean): Promise<void> {
  const answers = ids.map(async (id): Promise<[string, string] | null> => {
    try {
      await request(id);
    } catch (err) {
      if (!alreadyGone(err)) return [id, failureReason(err)];
    }
    return null;
  });
  const refused = (await Promise.all(answers)).filter((answer) => answer !== null);
  if (refused.length > 0) throw new PartlyRefused(new Map(refused));
}

/** The error for deletes the API refused, which are back in the list. A request refused takes
 * all its chats back for one reason, so that reason is said once. */
function refusal<T extends Doomed>(outcomes: Outcome<T>[], failed: number, words: DeleteWords<T>): string {
  const [only] = outcomes;
  const sentence = (reason: string) => reason.replace(/\.?$/, '.');
  if (outcomes.length === 1 && only && !only.ok) return `Could not delete “${only.item.name}”: ${sentence(only.error)} It is back in ${words.home}.`;
  const reasons = new Set(outcomes.map((o) => (o.ok ? null : o.error)));
  if (failed === outcomes.length && reasons.size === 1 && only && !only.ok) return `Could not delete ${words.count(failed)}: ${sentence(only.error)} They are back in ${words.home}.`;
  const summary = bulkSummary(outcomes, (item) => item.name, 'deleted', words);
  return `${summary.message} ${failed === 1 ? 'It is' : 'They are'} back in ${words.home}.`;
}
