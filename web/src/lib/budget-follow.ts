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

/**
 * Which budget the banner shows: the one the page's load read, or one read after a call ended
 * here, whichever is newer. Newer is told by the spend, not by the clock — within a month and
 * one budget the spend only grows — so a load that read before an answer ended (a new chat's
 * page moves to its address as the answer starts, and that load can finish after the answer)
 * does not hide the warning the later read brought. A different month or budget (changed in
 * Settings) is the load's to say.
 */
export function newerBudget(loaded: Budget | null, followed: Budget | null): Budget | null {
  if (!loaded || !followed) return loaded;
  const sameTerms = followed.month_start === loaded.month_start && followed.monthly_budget_usd === loaded.monthly_budget_usd;
  return sameTerms && followed.spent_usd > loaded.spent_usd ? followed : loaded;
}
