// "A call of this user's has ended in this tab's view": an answer ended (turn-events.ts), or
// the model named a new chat (chat-live.svelte.ts: the naming call is logged before the title
// is written, so its `renamed` signal comes after). What the month has spent may have moved, so
// the layout re-reads the budget (lib/budget-follow.ts) and its banner follows the spend in the
// chat where it crossed 80 %, not at the next page load (QA 6 #5). No imports: the turn's event
// handlers signal it and are tested without the app.

const listeners = new Set<() => void>();

/** Calls `listener` after each call that ends in view; returns the unsubscribe. */
export function onCallEnded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A call ended (an answer done, failed or stopped; a chat named): it is logged by now. */
export function callEnded(): void {
  for (const listener of listeners) listener();
}
