// What a tab must do before it may go without another word: keep a draft typed but not yet
// saved (lib/chat/drafts.ts), send a delete whose Undo is still offered
// (lib/chat/pending-deletes.ts) — and what it must ask about first: a message still waiting for a
// connection (lib/chat/send-queue.ts). The page says it is going in more than one way, and not every
// browser says each: `pagehide` (a reload, the tab closed, a navigation away) and the tab hidden
// (`visibilitychange`; a phone may kill a hidden tab unseen and never tell of the close).

/** Where the page's lifecycle is heard (tests pass stand-ins). */
export interface PageEvents {
  window: EventTarget;
  document: EventTarget & { visibilityState: string };
}

export interface LeavingOptions {
  /** Also on `beforeunload`, which comes before a reload's request for the next page (that page
   * then reads what `run` sent). Only while needed: such a listener keeps some browsers from
   * keeping the page for Back. */
  beforeUnload?: boolean;
  page?: PageEvents;
}

/** Calls `run` each time the page may be going; returns the way to stop listening. */
export function onPageLeaving(run: () => void, options: LeavingOptions = {}): () => void {
  const page = options.page ?? { window: globalThis as unknown as EventTarget, document };
  const onHidden = () => {
    if (page.document.visibilityState === 'hidden') run();
  };
  if (options.beforeUnload) page.window.addEventListener('beforeunload', run);
  page.window.addEventListener('pagehide', run);
  page.document.addEventListener('visibilitychange', onHidden);
  return () => {
    if (options.beforeUnload) page.window.removeEventListener('beforeunload', run);
    page.window.removeEventListener('pagehide', run);
    page.document.removeEventListener('visibilitychange', onHidden);
  };
}

/** The person already said, in the app's own words, that what waits may go (Sign out anyway). */
let leavingAsked = false;

/** The next leaving of this page was confirmed in the app: the browser does not ask again. */
export function leaveWithoutAsking(): void {
  leavingAsked = true;
}

/**
 * While `waiting()` says something would be lost or left undone, closing or reloading the tab
 * asks first (the browser's own "Leave site?" question; browsers show it only once the person has
 * used the page). Returns the way to stop asking.
 */
export function askBeforeLeaving(waiting: () => boolean, page: EventTarget = globalThis as unknown as EventTarget): () => void {
  const ask = (event: Event) => {
    if (leavingAsked || !waiting()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    (event as BeforeUnloadEvent).returnValue = true;
  };
  page.addEventListener('beforeunload', ask);
  return () => page.removeEventListener('beforeunload', ask);
}
