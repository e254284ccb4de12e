// One place for transient messages — errors and confirmations — shown by <Toaster> in the
// root layout (a polite live region; errors also as role="alert"). Any page or component:
//
//   import { toast } from '$lib/toast.svelte';
//   toast.success('Saved.');
//   toast.error('Could not save: the API is unreachable.');
//
// What takes input at the foot of the screen (the chat's composer, its "Jump to latest" button)
// is marked with the `toastsAbove` action: toasts then stack above it, never over it.

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
}

const LIFETIME_MS = { success: 4000, info: 5000, error: 8000 } as const;

class Toasts {
  items = $state<Toast[]>([]);
  /** The elements toasts keep clear of (see toastsAbove) that are on the page. */
  above = $state<HTMLElement[]>([]);
  #next = 1;

  show(kind: Toast['kind'], message: string): number {
    const id = this.#next++;
    // The same message twice in a row stays one toast (a double submit, a retry loop).
    this.items = [...this.items.filter((t) => t.message !== message), { id, kind, message }].slice(-4);
    setTimeout(() => this.dismiss(id), LIFETIME_MS[kind]);
    return id;
  }

  success = (message: string) => this.show('success', message);
  error = (message: string) => this.show('error', message);
  info = (message: string) => this.show('info', message);

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
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
