// How one running answer's streamed events (from an SSE view or the session's broadcast)
// change the message the tab shows: text and reasoning in `seq` order (answer-merge.ts), the
// usage line, and the end (said to call-ends.ts). A `seq` gap means this copy missed units: `onGap` re-attaches.
import { SvelteSet } from 'svelte/reactivity';
import { callEnded } from './call-ends.ts';
import { applyDelta, finish, isFinished } from './answer-merge.ts';
import type { ChatText, TurnHandlers } from './chat-stream.ts';
import type { Message } from '../api/index.ts';

export type TurnEventHandlers = Omit<TurnHandlers, 'meta'>;

export class TurnEvents {
  /** When each answer's reasoning started arriving here, for "Thought for N s" while live. */
  private reasoningStarted = new Map<string, number>();
  /**
   * Answers that are whole and wait for their final write (the database is slow or away): they
   * still stream in their row's status until `done`, but there is nothing left to stop.
   */
  readonly saving = new SvelteSet<string>();
  /** Answers whose end was said (call-ends.ts): once each, however the end reached this copy. */
  private endsSaid = new Set<string>();

  constructor(
    private readonly find: (id: string) => Message | undefined,
    private readonly onGap: (id: string) => void,
  ) {}

  /** Handlers for the message `id()` names (it changes once the server names a new answer). */
  for(id: () => string | null): TurnEventHandlers {
    const row = () => {
      const current = id();
      return current ? this.find(current) : undefined;
    };
    return {
      delta: (delta) => this.text(row(), delta, 'content'),
      reasoning: (delta) => this.text(row(), delta, 'reasoning'),
      saving: (saving) => {
        const message = row();
        if (!message || isFinished(message.status)) return;
        this.saving.add(message.id);
        // Units this copy missed (dropped from the broadcast) are read again before the end.
        if (saving.seq !== undefined && (message.seq ?? 0) < saving.seq) this.onGap(message.id);
      },
      usage: (usage) => {
        const message = row();
        if (!message) return;
        message.prompt_tokens = usage.prompt_tokens ?? null;
        message.completion_tokens = usage.completion_tokens ?? null;
        // As finish_turn stores it: the answer's own tokens. The total (total_tokens) is
        // prompt + completion, which the footer shows from these two (answer-tokens.ts).
        message.token_count = usage.completion_tokens ?? message.token_count;
        message.latency_ms = usage.latency_ms ?? message.latency_ms;
      },
      done: (done) => {
        const message = row();
        if (!message) return;
        // Already ended here by a read of its row (a catch-up, the new chat's page load) that
        // overtook this event: the call is logged all the same, and the banner must follow it.
        if (isFinished(message.status)) return this.sayEnded(message.id);
        // The end of an answer this copy does not fully hold yet (a broadcast unit overtook
        // the asker's own stream, or this device joined late): ending it now would freeze the
        // text short, as later units are not applied to a finished answer. It stays open; its
        // view (or a re-attachment) brings the rest and the end, and the final row follows.
        if (done.seq !== undefined && (message.seq ?? 0) < done.seq) {
          this.onGap(message.id);
          return;
        }
        // A failed answer ends with its reason: the broadcast's `done` carries it.
        finish(message, done.status, done.status === 'error' ? done.error?.message : undefined);
        message.error_code = done.code ?? done.error?.code ?? null;
        // Its call is logged by now: the budget's banner follows (lib/budget-follow.ts).
        this.sayEnded(message.id);
      },
      error: (error) => {
        const message = row();
        if (!message) return;
        // Ended as failed without its reason (a `done` that did not carry one got here first):
        // the reason still shows, where it would otherwise stay a bare "failed" until a reload.
        if (message.status === 'error' && !message.error) {
          message.error = error.message;
          message.error_code = error.code;
          return;
        }
        if (isFinished(message.status)) return;
        finish(message, 'error', error.message);
        message.error_code = error.code;
        this.sayEnded(message.id);
      },
    };
  }

  /** Says an answer's call ended, the first time only (its SSE view and the broadcast both end it). */
  private sayEnded(id: string): void {
    if (this.endsSaid.has(id)) return;
    this.endsSaid.add(id);
    callEnded();
  }

  private text(message: Message | undefined, delta: ChatText, field: 'content' | 'reasoning'): void {
    if (!message) return;
    const now = performance.now();
    if (field === 'reasoning' && !this.reasoningStarted.has(message.id)) this.reasoningStarted.set(message.id, now);
    const thinkingSince = this.reasoningStarted.get(message.id);
    if (field === 'content' && thinkingSince !== undefined && message.reasoning_ms == null) message.reasoning_ms = Math.round(now - thinkingSince);
    if (applyDelta(message, delta, field) === 'gap') this.onGap(message.id);
  }
}
