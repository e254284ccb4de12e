/**
 * When a chat turn's rows are written and its response starts (routes/chat.ts): once the
 * provider has answered the turn's request, or PROVIDER_ANSWER_WAIT_MS after it.
 *
 * How long a turn's rows, and the response, wait for the provider to answer its request (its
 * status and headers) before they go anyway. Until the provider has read the request, work
 * elsewhere delays it where the database, the function and the provider share a machine's
 * cores (a self-hosted stack; local/): writing the rows (≈ 1.4 ms of Postgres CPU) and
 * answering the client used to start as soon as the request had left the function, and the
 * provider read it ≈ 1 ms later (one chat at a time: 2.08–2.67 ms p50 after fetch() against
 * 0.97–1.16 with both held back, first token +3.6–4.2 ms against +5.0–5.4 over the provider
 * direct, the pass-through +1.2–1.4; 4 at a time +3.2 / +3.3 against +4.1 / +5.2;
 * docs/performance.md, 2026-12-05 11:35 UTC). A provider answers when it starts its stream —
 * the fake one at once, a remote one no sooner than a network round trip and its own queue
 * allow — so the wait is bounded: the user's message is durable, and a lost race for the
 * session answers 409, at most this much later, while a refused turn's provider call runs as
 * much longer before it is aborted.
 */
export const PROVIDER_ANSWER_WAIT_MS = 20;

/** Settles when `answered` does or after `ms`, whichever is first (the timer does not outlive it). */
export function answeredOrAfter(answered: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void answered.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
