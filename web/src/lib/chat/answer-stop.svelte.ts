// Stopping the running answer from this tab, whichever tab, device or person asked for it
// (POST /chat/{id}/stop). An answer whose text is whole and only waits for its final write (the
// database is slow or away: the turn's `saving` event) has nothing left to stop, so Stop is not
// offered then; and a stop that failed is said only while the answer it was meant for still
// runs — not beside the same answer once it has completed.
import type { Message } from '$lib/api';
import { finish } from '$lib/chat/answer-merge';
import { stopTurn } from '$lib/chat/chat-stream';
import { errorText } from '$lib/chat/turn-sender';

export class AnswerStop {
  stopping = $state(false);
  private failure = $state<{ id: string; text: string } | null>(null);

  constructor(
    private readonly running: () => Message | undefined,
    /** Answers that are whole and being saved (turn-events.ts). */
    private readonly saving: ReadonlySet<string>,
    /** Stops this tab's own answer once the server names it (it has no id yet). */
    private readonly stopWhenNamed: () => void,
  ) {}

  /** The answer `id` is whole and being saved (it shows as such until its end arrives). */
  isSaving(id: string): boolean {
    return this.saving.has(id);
  }

  /** The running answer is whole and being saved: Stop is not offered. */
  get savingNow(): boolean {
    const answer = this.running();
    return answer !== undefined && this.saving.has(answer.id);
  }

  /** Why the last Stop failed, while the answer it was for still runs. */
  get failed(): string | null {
    const failure = this.failure;
    return failure && this.running()?.id === failure.id ? failure.text : null;
  }

  dismiss(): void {
    this.failure = null;
  }

  async stop(): Promise<void> {
    const target = this.running();
    if (!target || target.id.startsWith('pending-')) return this.stopWhenNamed();
    if (this.saving.has(target.id)) return;
    this.stopping = true;
    this.failure = null;
    try {
      if ((await stopTurn(target.id)) === 'stopped') finish(target, 'stopped');
    } catch (err) {
      this.failure = { id: target.id, text: `Could not stop the answer: ${errorText(err)}` };
    } finally {
      this.stopping = false;
    }
  }
}
