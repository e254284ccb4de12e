// The month's budget as the banner shows it, kept current while a page stays open: each call
// that ends in view (lib/chat/call-ends.ts: an answer, a chat's naming) is followed by one read
// of GET /api/budget — after the answer, never on a turn's way to its first token. The server
// writes a turn's usage log before it sends `done` (lib/chat/turn.ts), and the naming call's
// before the title, so the read counts the call just ended. Without a
// budget there is nothing to follow (a budget set in Settings arrives with the next page's load).
import { browserApi, ok, type Budget } from '$lib/api';
import { onCallEnded } from '$lib/chat/call-ends';

/**
 * Re-reads the budget after calls end while `current()` has one, handing each read to
 * `apply`. Calls that end together share a read (one more follows a read already running).
 * A failed read changes nothing. Returns the unsubscribe.
 */
export function followBudget(current: () => Budget | null, apply: (budget: Budget) => void): () => void {
  let running = false;
  let again = false;
  const read = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const budget = await ok(browserApi().GET('/api/budget')).catch(() => null);
        if (budget) apply(budget);
      } while (again);
    } finally {
      running = false;
    }
  };
  return onCallEnded(() => {
    const budget = current();
    if (budget && budget.state !== 'none') void read();
  });
}
