// What an answer shows before its first chunk: the provider has not started answering, so the
// model is not "thinking" yet — it may be queued, slow to load, or not answering at all (the
// server gives up after PROVIDER_TIMEOUT_MS). The seconds waited show once a wait is longer
// than a first answer usually takes; "Thinking…" is for reasoning that actually streams.

/** From how long a wait shows its seconds. */
export const SHOW_SECONDS_AFTER_MS = 5_000;

/** "Waiting for Custom (OpenAI-compatible)…" (the provider's name; unknown: "the provider"). */
export function waitingText(providerName: string | null | undefined): string {
  return `Waiting for ${providerName || 'the provider'}…`;
}

/**
 * The seconds waited since `startedAt` (the answer's creation), or null while they are too few
 * to show. A clock set behind the server's counts from 0, never below.
 */
export function waitedSeconds(startedAt: string, now: number): number | null {
  const started = Date.parse(startedAt);
  if (!Number.isFinite(started)) return null;
  const waited = Math.max(0, now - started);
  return waited < SHOW_SECONDS_AFTER_MS ? null : Math.floor(waited / 1000);
}

/** Whether the answer is streaming with nothing in it yet: no text and no reasoning. */
export function waitingForFirstChunk(message: { status: string; content: string; reasoning?: string | null }): boolean {
  return message.status === 'streaming' && !message.content && !message.reasoning;
}
