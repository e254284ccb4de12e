/**
 * A turn's final write, kept up for as long as the answer could otherwise be lost.
 *
 * While the final write waits, the function's process may hold the only whole copy of the
 * answer: the checkpoints are in an unlogged table, and a crash of Postgres (or a replica's
 * promotion in a failover) empties it — after the last checkpoint, nothing writes them again.
 * So a write that fails is retried until `windowMs` has passed, not for a fixed number of
 * tries: failovers often take longer than the ~20 s a fixed count gave.
 *
 * Whenever a try fails, the whole answer is also written as the checkpoints, with the outcome
 * the final write would have stored — status, token counts, timings, cost (TurnStore.keepWhole).
 * Once that has succeeded the database answers and holds the answer, so the turn may stop
 * trying sooner (`afterKeptTries`): if the final write then keeps failing for another reason,
 * the lease lapses and the settle stores the answer from those checkpoints as it ended
 * (`complete` with its usage), not as interrupted.
 *
 * The turn stays in this process's registry until the write is done or given up, so its
 * lease is renewed as soon as the database is back (within a poll, 250 ms). Should a read of
 * the chat settle the answer in the moment before (its lease lapsed during the outage), the
 * final write overwrites that settle (private.finish_turn): the answer's text is not lost.
 */
import type { Logger } from '../log.ts';
import type { FinalAnswer, TurnStore } from './turn-store.ts';

export interface FinalSaveOptions {
  store: Pick<TurnStore, 'finish' | 'keepWhole' | 'replaceCheckpoints'>;
  log: Logger;
  /** Keep trying this long while the database is away (the process ending cuts it short). */
  windowMs: number;
  /** Whether the answer's rows exist: a turn that never got them has no checkpoints to fill. */
  hasRows: boolean;
  /** Called after each try that failed, before the next. */
  onRetry?: () => void;
  /** Tries after which the turn gives up once the checkpoints hold the whole answer. */
  afterKeptTries?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const FIRST_DELAY_MS = 250;
// At most this long between tries: a write waits at most this much after the database is back.
const MAX_DELAY_MS = 2_000;

/**
 * How a final save ended: `saved`; `kept` — given up, with the whole answer and its outcome in
 * the checkpoints, to be settled as it ended; `unsaved` — given up with at most its text kept
 * (settled as interrupted), or nothing if the database never answered.
 */
export type FinalSave = 'saved' | 'kept' | 'unsaved';

/** Writes the finished answer, trying for as long as the options allow. */
export async function saveFinal(final: FinalAnswer, options: FinalSaveOptions): Promise<FinalSave> {
  const { store, log, windowMs, hasRows } = options;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const afterKeptTries = options.afterKeptTries ?? 9;
  const deadline = now() + windowMs;
  let kept: Kept = null;
  for (let attempt = 0, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      await store.finish(final);
      return 'saved';
    } catch (error) {
      log.warn('chat final write failed', { attempt, message: messageOf(error) });
      // Refused for what it holds, not for the database's state: every try would fail alike,
      // while the turn kept its session's lock. The checkpoints may still take the text.
      // (The settle would meet the same refusal, so this answer is not settled as it ended.)
      if (refusedForGood(error)) {
        if (hasRows) await keepInCheckpoints(final, options);
        return 'unsaved';
      }
    }
    options.onRetry?.();
    if (hasRows && !kept) kept = await keepInCheckpoints(final, options);
    if ((kept && attempt + 1 >= afterKeptTries) || now() + delay > deadline) return kept === 'outcome' ? 'kept' : 'unsaved';
    await sleep(delay);
  }
}

/** What the checkpoints hold of a given-up answer: its text and outcome, its text alone, or not all of it. */
type Kept = 'outcome' | 'text' | null;

/** Writes the whole answer as its checkpoints, with its outcome (or, refused that, its text alone). */
async function keepInCheckpoints(final: FinalAnswer, { store, log }: FinalSaveOptions): Promise<Kept> {
  try {
    await store.keepWhole(final);
    return 'outcome';
  } catch (error) {
    if (!refusedForGood(error)) {
      log.warn('chat answer not checkpointed', { message: messageOf(error) });
      return null;
    }
    // The outcome may be refused for what it holds, as the final write may have been: the text
    // matters more, so it is kept alone, and settled as interrupted.
    log.warn('chat answer outcome not kept', { message: messageOf(error) });
  }
  try {
    await store.replaceCheckpoints(final.messageId, final.units);
    return 'text';
  } catch (error) {
    log.warn('chat answer not checkpointed', { message: messageOf(error) });
    return null;
  }
}

/**
 * A data exception (class 22: a value out of range, text the encoding cannot hold), an
 * integrity violation (class 23: a check or key) or a program limit (54000: a value larger
 * than Postgres can hold, such as a search index entry over 1 MB): the statement itself is
 * refused, so trying it again cannot succeed. Anything else — connections, timeouts, a
 * read-only replica mid-failover, deadlocks — may pass on a later try.
 */
function refusedForGood(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return /^(2[23][0-9A-Z]{3}|54000)$/.test(code);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
