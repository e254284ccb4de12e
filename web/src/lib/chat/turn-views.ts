// The SSE views this tab holds on running answers, at most one per answer: the POST /chat
// stream of an answer this tab sent (adopted), or a GET /chat/{id}/stream re-attachment.
// A view that closes before its answer ends (network, proxy, a redeployed function) is
// re-opened from the `seq` the tab's copy includes, with growing pauses; closing a view
// never stops the turn on the server.
import { ApiError } from '$lib/api';
import { attachTurn, type TurnHandlers } from '$lib/chat/chat-stream';
import { isFinished } from '$lib/chat/answer-merge';
import type { Message } from '$lib/api';

const MAX_RETRIES = 6;

export class TurnViews {
  private open = new Map<string, AbortController>();
  private closed = false;

  constructor(
    private readonly find: (id: string) => Message | undefined,
    private readonly handlers: (id: string) => Omit<TurnHandlers, 'meta'>,
  ) {}

  has(id: string): boolean {
    return this.open.has(id);
  }

  /** Registers the POST /chat stream of an answer this tab sent as its view. */
  adopt(id: string, controller: AbortController): void {
    this.open.set(id, controller);
  }

  /** Forgets a view that ended (only if it is still the one registered). */
  release(id: string | null, controller: AbortController): void {
    if (id && this.open.get(id) === controller) this.open.delete(id);
  }

  /** Follows an answer until it ends, unless this tab already does. */
  attach(id: string): void {
    const message = this.find(id);
    if (this.closed || this.open.has(id) || !message || isFinished(message.status)) return;
    const controller = new AbortController();
    this.open.set(id, controller);
    void this.follow(id, controller).finally(() => this.release(id, controller));
  }

  /** Closes every view for good (the chat is being left). */
  closeAll(): void {
    this.closed = true;
    for (const controller of this.open.values()) controller.abort();
    this.open.clear();
  }

  private async follow(id: string, controller: AbortController): Promise<void> {
    for (let attempt = 0; attempt <= MAX_RETRIES && !controller.signal.aborted; attempt++) {
      const message = this.find(id);
      if (!message || isFinished(message.status)) return;
      if (message.seq == null) {
        // Text without a seq cannot be lined up with the replay: take the answer from its start.
        Object.assign(message, { content: '', reasoning: '', seq: 0 });
      }
      const from = message.seq ?? 0;
      try {
        const end = await attachTurn(id, from, { meta: () => {}, ...this.handlers(id) }, controller.signal);
        if (end !== 'closed') return;
        if ((this.find(id)?.seq ?? 0) > from) attempt = -1; // it streamed until the connection closed: retry promptly
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 401)) return; // gone, or signed out
      }
      await pause(Math.min(8000, 250 * 2 ** Math.max(0, attempt)), controller.signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
