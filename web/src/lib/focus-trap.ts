// Keeps the keyboard inside a panel that covers the page (the phone's chats drawer) while it is
// open, the way a modal <dialog> does: focus moves into it on opening, Tab and Shift+Tab wrap
// around its controls, and on closing focus goes back to what had it before (the button that
// opened it). A plain element rather than <dialog>, because from `md` up the same element is an
// ordinary sidebar. The trapping is the `focus-trap` package's (it knows what is tabbable, and
// pulls focus back should it escape); this is only the Svelte action around it.
import { createFocusTrap, type FocusTrap } from 'focus-trap';

/** Svelte action: `use:focusTrap={open}` — trapping while `open` is true. */
export function focusTrap(node: HTMLElement, active: boolean) {
  const trap: FocusTrap = createFocusTrap(node, {
    // The owner closes the panel on Esc (it also has to tell its own state), and clicks outside
    // keep working (the toasts' buttons): only the keyboard is kept in.
    escapeDeactivates: false,
    allowOutsideClick: true,
    // Never throws for a panel that is momentarily empty: the panel itself takes focus then.
    fallbackFocus: node,
    // The first control, unless the panel names another (`data-initial-focus`, a selector:
    // opened to search, the search box). Read when focus moves in, after the panel rendered.
    initialFocus: () => {
      const selector = node.dataset.initialFocus;
      return (selector ? node.querySelector<HTMLElement>(selector) : null) ?? undefined;
    },
    // Back to the opener only when focus was in the panel (or was lost with it): a click
    // elsewhere keeps its own focus.
    setReturnFocus: (opener) => {
      const now = document.activeElement;
      return !now || now === document.body || node.contains(now) ? opener : false;
    },
  });
  if (active) trap.activate();
  return {
    update(next: boolean) {
      if (next === active) return;
      active = next;
      if (active) trap.activate();
      else trap.deactivate();
    },
    destroy() {
      trap.deactivate({ returnFocus: false });
    },
  };
}
