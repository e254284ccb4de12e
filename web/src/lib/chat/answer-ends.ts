// "An answer has ended in this tab's view": a call was made, so what the month has spent may
// have moved. The layout listens and re-reads the budget (lib/budget-follow.ts) so its banner
// follows the spend in the chat where it crossed 80 %, not at the next page load (QA 6 #5).
// No imports: the turn's event handlers (turn-events.ts) signal it and are tested without the app.

const listeners = new Set<() => void>();

/** Calls `listener` after each answer that ends in view; returns the unsubscribe. */
export function onAnswerEnded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** An answer ended (done, failed or stopped): its call, if any, is logged by now. */
export function answerEnded(): void {
  for (const listener of listeners) listener();
}
