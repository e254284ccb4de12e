// The note shown above the message box about the last send when it is not an error. One about
// an answer being written ("Your message was not sent; send it again once the answer ends")
// holds only while that answer runs: once it ends, the note is gone by itself (QA17 #2: it
// stayed after the answer had completed on every device, until dismissed).
import type { Message } from '$lib/api';
import { isFinished } from '$lib/chat/answer-merge';

/** A note; one tied to an answer being written (`whileRunning`, its id when the server named it). */
export type Notice = string | { text: string; whileRunning: string | null };

/** The note to show now: a note tied to an answer shows while that answer (or, unnamed or not shown, any) is written. */
export function noticeText(notice: Notice | null, messages: Message[]): string | null {
  if (notice === null || typeof notice === 'string') return notice;
  const named = notice.whileRunning ? messages.find((m) => m.id === notice.whileRunning) : undefined;
  const answer = named ?? messages.findLast((m) => m.sender === 'assistant' && m.status === 'streaming');
  return answer && !isFinished(answer.status) ? notice.text : null;
}

/**
 * The running answer this view shows, which a regenerate or an edit replaces (POST /chat
 * `stop_message_id`; null: none shown). The server stops only that one: an answer started since
 * — the same Regenerate pressed a moment before on another device — is left running and answers
 * 409 answer_started_elsewhere, which this tab then follows.
 */
export function shownRunning(messages: Message[]): string | null {
  const running = messages.findLast((m) => m.sender === 'assistant' && m.status === 'streaming');
  return running && !running.id.startsWith('pending-') ? running.id : null;
}
