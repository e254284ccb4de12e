/**
 * "Older messages" on a shared chat: reads the page before the oldest shown from ./older (one
 * read of the visitor's per-address bucket, no navigation) and hands it to the page to put above
 * what is shown. A refusal keeps what is shown: a 429 (many readers behind one address — a class,
 * an office) says when the next try is and makes it by itself after Retry-After, waiting longer
 * each time (with a little jitter, so a room refused together does not come back together) up to
 * AUTO_TRIES tries; then, and after any other failure, the reader tries again with a button.
 */
import { z } from 'zod';
import { ApiError, toApiError, unreachableMessage, type SharedMessage } from '$lib/api';
import { busyNetworkMessage, waitSeconds } from '$lib/busy-network';

export type OlderPage = { messages: SharedMessage[]; next_cursor: string | null };

const SharedMessageSchema: z.ZodType<SharedMessage> = z.object({
  id: z.string(),
  sender: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  created_at: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  status: z.enum(['complete', 'stopped', 'error']),
  author_name: z.string().nullable().optional(),
});
const OlderPageSchema = z.object({ messages: z.array(SharedMessageSchema), next_cursor: z.string().nullable() });

/** Tries made without the reader after a 429, and the longest wait between two. */
export const AUTO_TRIES = 4;
const LONGEST_WAIT_S = 60;

/** The page before `cursor` of the chat shared as `token`; throws ApiError when refused. */
export async function readOlderPage(fetcher: typeof fetch, token: string, cursor: string): Promise<OlderPage> {
  const response = await fetcher(`/s/${encodeURIComponent(token)}/older?before=${encodeURIComponent(cursor)}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw await toApiError(response);
  return OlderPageSchema.parse(await response.json());
}

/** What the control says: nothing (the link), reading, a wait before the next try, or why it stopped. */
export type OlderView =
  | { step: 'idle' }
  | { step: 'loading' }
  | { step: 'waiting'; seconds: number; message: string }
  | { step: 'stopped'; message: string };

export interface OlderPagerDeps {
  read(cursor: string): Promise<OlderPage>;
  /** Puts the page above what is shown and moves the cursor to its `next_cursor`. */
  add(page: OlderPage): void;
  show(view: OlderView): void;
  /** The cursor of the oldest message shown; null when the chat's start is shown. */
  cursor(): string | null;
  random?: () => number;
}

export class OlderPager {
  #refusals = 0;
  #reading = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: OlderPagerDeps) {}

  /** The reader asks ("Older messages", "Try again now"): read at once; automatic tries start afresh. */
  request(): void {
    this.stop();
    this.#refusals = 0;
    void this.#read();
  }

  /** No more tries (the page is left, or shows another chat). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #read(): Promise<void> {
    const cursor = this.deps.cursor();
    if (!cursor || this.#reading) return;
    this.#reading = true;
    this.deps.show({ step: 'loading' });
    try {
      const page = await this.deps.read(cursor);
      this.#refusals = 0;
      this.deps.add(page);
      this.deps.show({ step: 'idle' });
    } catch (err) {
      this.#refused(err);
    } finally {
      this.#reading = false;
    }
  }

  #refused(err: unknown): void {
    if (!(err instanceof ApiError)) {
      this.deps.show({ step: 'stopped', message: err instanceof TypeError ? unreachableMessage() : 'Could not load older messages.' });
      return;
    }
    if (err.status !== 429) {
      this.deps.show({ step: 'stopped', message: err.status === 404 ? err.message : `Could not load older messages: ${err.message}` });
      return;
    }
    this.#refusals += 1;
    const base = waitSeconds(err.details.retry_after_seconds);
    const seconds = Math.ceil(Math.min(LONGEST_WAIT_S, base * 2 ** (this.#refusals - 1)) * (1 + (this.deps.random ?? Math.random)() / 2));
    if (this.#refusals > AUTO_TRIES) {
      this.deps.show({ step: 'stopped', message: busyNetworkMessage(seconds) });
      return;
    }
    this.#countDown(seconds);
  }

  #countDown(seconds: number): void {
    if (seconds <= 0) {
      this.#timer = undefined;
      void this.#read();
      return;
    }
    this.deps.show({ step: 'waiting', seconds, message: busyNetworkMessage(seconds, true) });
    this.#timer = setTimeout(() => this.#countDown(seconds - 1), 1000);
  }
}
