// A new chat's first turn and its id. The chat exists once the turn's rows are committed: at
// `meta`, or — when the answer streamed before them (`meta.stored === false`) — at `stored`.
// A view that reached its end without `stored` created nothing (the server could not write
// the rows, stopped the answer and kept nothing): the page must neither keep nor open that id.
import type { ViewEnd } from './chat-stream.ts';

export class NewChat {
  private id: string | null = null;
  private waitingForRows = false;

  constructor(private readonly onSession: (id: string) => void) {}

  /** The turn's `meta`: announces the chat now, or once its rows are stored. */
  meta(meta: { session_id: string; stored?: boolean | null }): void {
    this.id = meta.session_id;
    this.waitingForRows = meta.stored === false;
    if (!this.waitingForRows) this.onSession(meta.session_id);
  }

  /** The `stored` event: the chat's rows are committed. */
  stored(): void {
    if (!this.waitingForRows || this.id === null) return;
    this.waitingForRows = false;
    this.onSession(this.id);
  }

  /** The view ended with the turn's own end, but the chat was never stored: it does not exist. */
  notCreated(end: ViewEnd | 'failed'): boolean {
    return this.waitingForRows && (end === 'done' || end === 'error');
  }
}
