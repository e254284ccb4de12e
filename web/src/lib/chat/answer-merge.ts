// How copies of one message that arrive from different places are merged into what the tab
// shows. An answer reaches a tab over its own stream (SSE), over Realtime (row changes and
// broadcast deltas) and through page reads, each on its own connection, so they arrive in
// any order. The rules keep the view moving forward only:
// - a finished answer (complete/stopped/error) never goes back to `streaming` because an
//   older copy of the row arrived late (a catch-up page read before the answer ended);
// - streamed text is applied once, in `seq` order; a copy of the row replaces the text only
//   when it is further along than what the tab has.
import type { Message } from '../api/index.ts';

export const isFinished = (status: Message['status']) => status !== 'streaming';

/** Where a row's text stands: its `seq` when the server says, else its length (a checkpoint is a prefix of the answer). */
function progress(message: Message): { seq: number | null; length: number } {
  return { seq: typeof message.seq === 'number' ? message.seq : null, length: message.content.length };
}

/**
 * The message to show after `remote` (a row from a page read or a Realtime change) meets what
 * the tab has (`local`); `null` when the remote copy is older and changes nothing.
 * `live` says the tab is applying this answer's deltas itself: then only a finished row may
 * replace its text (a checkpoint without `seq` cannot be lined up with the deltas).
 */
export function mergeRow(local: Message | undefined, remote: Message, live = false): Message | null {
  if (!local) return remote;
  // Keep what only this tab knows (measured latency, token split from the usage event).
  const keep = {
    latency_ms: remote.latency_ms ?? local.latency_ms,
    prompt_tokens: remote.prompt_tokens ?? local.prompt_tokens,
    completion_tokens: remote.completion_tokens ?? local.completion_tokens,
  };
  if (isFinished(remote.status)) return { ...local, ...remote, ...keep };
  if (isFinished(local.status)) return null; // a late copy from before the end
  const mine = progress(local);
  const theirs = progress(remote);
  const ahead =
    theirs.seq !== null
      ? mine.seq === null || theirs.seq > mine.seq
      : // No seq (a Realtime row): only text nobody lines up with deltas may be replaced by a longer copy.
        !live && mine.seq === null && theirs.length > mine.length;
  if (ahead) return { ...local, ...remote, ...keep };
  // Same or older text: take the other columns, keep the text this tab has built.
  return { ...local, ...remote, ...keep, content: local.content, seq: local.seq, reasoning: local.reasoning };
}

export type DeltaResult = 'applied' | 'duplicate' | 'gap' | 'finished';

/**
 * Appends one streamed delta to a message, in place. Deltas carry an increasing `seq`; one
 * the message already holds is a duplicate (the same delta from SSE and Broadcast), one past
 * the next is a gap the caller fills by re-attaching from the message's `seq`. Without a
 * `seq` (an older server) every delta is appended.
 */
export function applyDelta(message: Message, delta: { seq?: number | null; text: string }, field: 'content' | 'reasoning' = 'content'): DeltaResult {
  if (isFinished(message.status)) return 'finished';
  if (typeof delta.seq === 'number') {
    const last = message.seq ?? 0;
    if (delta.seq <= last) return 'duplicate';
    if (delta.seq > last + 1) return 'gap';
    message.seq = delta.seq;
  }
  if (field === 'reasoning') message.reasoning = (message.reasoning ?? '') + delta.text;
  else message.content += delta.text;
  return 'applied';
}

/** Ends a streaming message with the status the server gave; a finished one stays as it is. */
export function finish(message: Message, status: Message['status'], error?: string | null): void {
  if (isFinished(message.status)) return;
  message.status = status;
  if (error !== undefined) message.error = error;
}
