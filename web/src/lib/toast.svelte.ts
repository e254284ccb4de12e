// One place for transient messages — errors and confirmations — shown by <Toaster> in the
// root layout (a polite live region; errors also as role="alert"). Any page or component:
//
//   import { toast } from '$lib/toast.svelte';
//   toast.success('Saved.');
//   toast.error('Could not save: the API is unreachable.');
//   toast.success('Archived “Trip”.', { undo: async () => { … } });
//
// A confirmation may offer Undo: a button in the toast (in the live region, so it is read with
// the message; reached with Tab, focus never moved to it) and Ctrl+Z / ⌘Z where no text field has
// an undo of its own (the newest toast's; lib/undo-shortcut.ts). Such a toast stays longer, and
// not while the pointer or keyboard is on it (WCAG 2.2.1: the reader has time to act). A toast
// whose end does something (a delayed delete is sent when its Undo is no longer offered:
// lib/chat/pending-deletes.ts) names it `onGone`: called once when the toast goes without its Undo
// pressed — its time ran out, × was pressed, or newer toasts pushed it out — and never when it is
// `withdraw`n.
//
// What takes input at the foot of the screen (the chat's composer, its "Jump to latest" button)
// is marked with the `toastsAbove` action: toasts then stack above it, never over it.

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
  /** Puts back what the toast confirms; the toast goes when it is pressed. */
  undo?: () => void | Promise<void>;
  /** How long it shows, if not its kind's usual time. */
  lifetimeMs?: number;
  /** It went without its Undo pressed (see the module's header). */
  onGone?: () => void;
}

type Options = Pick<Toast, 'undo' | 'lifetimeMs' | 'onGone'>;

const LIFETIME_MS = { success: 4000, info: 5000, error: 8000, undo: 10000 } as const;

class Toasts {
  items = $state<Toast[]>([]);
  /** The elements toasts keep clear of (see toastsAbove) that are on the page. */
  above = $state<HTMLElement[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(kind: Toast['kind'], message: string, options: Options = {}): number {
    const id = this.#next++;
    const fresh: Toast = { id, kind, message, ...options };
    const kept = [...this.items.filter((t) => !repeats(fresh, t)), fresh].slice(-4);
    const pushedOut = this.items.filter((t) => !kept.includes(t));
    for (const gone of pushedOut) this.#stop(gone.id);
    this.items = kept;
    this.release(id);
    for (const gone of pushedOut) gone.onGone?.();
    return id;
  }

  success = (message: string, options?: Options) => this.show('success', message, options);
  error = (message: string) => this.show('error', message);
  info = (message: string) => this.show('info', message);

  /** Its time is over, or × was pressed. */
  dismiss(id: number): void {
    this.#take(id)?.onGone?.();
  }

  /** Taken away before its time, its `onGone` not called (what it offered was done otherwise). */
  withdraw(id: number): void {
    this.#take(id);
  }

  /** The pointer or the keyboard is on the toast: it stays until they leave (release). */
  hold(id: number): void {
    this.#stop(id);
  }

  /** Its lifetime starts (again). */
  release(id: number): void {
    const item = this.items.find((t) => t.id === id);
    if (!item) return;
    this.#stop(id);
    this.#timers.set(id, setTimeout(() => this.dismiss(id), item.lifetimeMs ?? LIFETIME_MS[item.undo ? 'undo' : item.kind]));
  }

  /** Presses the toast's Undo (the newest toast offering one without an id): false if none. */
  undo(id?: number): boolean {
    const item = id === undefined ? this.items.findLast((t) => t.undo) : this.items.find((t) => t.id === id);
    if (!item?.undo) return false;
    this.withdraw(item.id);
    void item.undo();
    return true;
  }

  #take(id: number): Toast | undefined {
    const item = this.items.find((t) => t.id === id);
    this.#stop(id);
    this.items = this.items.filter((t) => t.id !== id);
    return item;
  }

  #stop(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}

/** Whether `fresh` takes `shown`'s place: the same message again (a double submit, a retry loop)
 * says nothing new. Not a toast that offers Undo or whose end does something, on either side:
 * two chats deleted one after the other may read alike ("Deleted “New chat”."), yet each toast
 * stands for its own delete, and dropping one would end that delete's Undo early and send it. */
function repeats(fresh: Toast, shown: Toast): boolean {
  const acts = (t: Toast) => t.undo !== undefined || t.onGone !== undefined;
  return fresh.message === shown.message && !acts(fresh) && !acts(shown);
}

export const toast = new Toasts();

/** Svelte action: toasts stack above this element while it is on the page (and under them). */
export function toastsAbove(node: HTMLElement) {
  toast.above = [...toast.above, node];
  return {
    destroy() {
      toast.above = toast.above.filter((el) => el !== node);
    },
  };
}
