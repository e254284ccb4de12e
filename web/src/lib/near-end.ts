// `use:nearEnd` on the last thing in a list read a page at a time (its "Show more" button):
// the next page is read once the list is scrolled to within a screenful of its end, as chat
// histories page as you scroll. The button stays the keyboard's and screen reader's way to the
// same thing — and the one that reads while it has the keyboard (a keyboard user reaches it,
// and the browser scrolls it into view: they press it, or not). Checked again after each page (`key`: the cursor of the next page), since a page
// that still leaves the end in view changes nothing an IntersectionObserver would report.
import type { Action } from 'svelte/action';

export interface NearEnd {
  load: () => void;
  /** What changes when a page was read: the observer looks again. */
  key: unknown;
}

/** The nearest ancestor that scrolls (the sidebar), or null for the page. */
function scroller(node: HTMLElement): HTMLElement | null {
  for (let el = node.parentElement; el; el = el.parentElement) {
    const { overflowY } = getComputedStyle(el);
    if (overflowY === 'auto' || overflowY === 'scroll') return el;
  }
  return null;
}

export const nearEnd: Action<HTMLElement, NearEnd> = (node, initial) => {
  let params = initial;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting) && !node.contains(document.activeElement)) params.load();
  }, { root: scroller(node), rootMargin: '0px 0px 100% 0px' });
  observer.observe(node);
  return {
    update(next) {
      const again = next.key !== params.key;
      params = next;
      if (!again) return;
      // Observing anew reports where the element is now.
      observer.unobserve(node);
      observer.observe(node);
    },
    destroy: () => observer.disconnect(),
  };
};
