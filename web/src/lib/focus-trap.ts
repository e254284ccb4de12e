// Keeps the keyboard inside a panel that covers the page (the phone's chats drawer) while it is
// open, the way a modal <dialog> does: focus moves into it on opening, Tab and Shift+Tab wrap
// around its controls, and on closing focus goes back to what had it before (the button that
// opened it). A plain element rather than <dialog>, because from `md` up the same element is an
// ordinary sidebar.

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function tabbables(node: HTMLElement): HTMLElement[] {
  return [...node.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest('[inert]'));
}

/** Svelte action: `use:focusTrap={open}` — trapping while `open` is true. */
export function focusTrap(node: HTMLElement, active: boolean) {
  let returnTo: HTMLElement | null = null;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const items = tabbables(node);
    if (items.length === 0) return;
    const [first, last] = [items[0], items[items.length - 1]];
    const inside = node.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };
  const start = () => {
    returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    document.addEventListener('keydown', onKey, true);
    // After the panel is shown (it was display:none a moment ago).
    requestAnimationFrame(() => tabbables(node)[0]?.focus());
  };
  const stop = () => {
    document.removeEventListener('keydown', onKey, true);
    // Only when focus was in the panel (or lost with it): a click elsewhere keeps its own focus.
    const active = document.activeElement;
    if (returnTo?.isConnected && (!active || active === document.body || node.contains(active))) returnTo.focus();
    returnTo = null;
  };
  if (active) start();
  return {
    update(next: boolean) {
      if (next === active) return;
      active = next;
      if (active) start();
      else stop();
    },
    destroy() {
      if (active) document.removeEventListener('keydown', onKey, true);
    },
  };
}
