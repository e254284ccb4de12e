// What becomes of an edit of an earlier question (a new version of it) that the server refuses
// before its turn begins: the text goes back to that question's own Edit box, with its files and
// the reason beside it, and "Send again" there makes the new version again. It never goes to the
// message box at the bottom (QA9 #2): sent from there it became a new question at the end of the
// chat, with the old question and its answer still in place, and nothing typed there is touched.
import { ApiError } from '$lib/api';
import { keptPromptRefusal, keptPromptWords, type KeptPromptRefusal } from '$lib/chat/kept-prompt';
import { refusalAdvice, type RefusalFix } from '$lib/chat/send-refusal';
import type { SendError, SentFile } from '$lib/chat/turn-sender';

/** Why an edit was not sent, as its Edit box says it. */
export interface EditRefusal {
  message: string;
  /** Where the refusal is fixed (the budget, the provider's key), as a link. */
  fix: RefusalFix | null;
  /** Sending the same edit again can work: the box offers "Send again". */
  resend: boolean;
  /** … from this many ms after the refusal (a rate limit's Retry-After). */
  againAfterMs?: number;
  /** Refused for the chat's kept prompt: the values form opens, as for a send, and the edit goes again. */
  keptPrompt?: KeptPromptRefusal;
}

/** A refused edit on its way back to its Edit box. */
export interface ReturnedEdit {
  /** The question that was being edited. */
  messageId: string;
  text: string;
  /** The files the new version was to carry; undefined: the question's own. */
  files?: SentFile[];
  refusal: EditRefusal;
}

/** What the Edit box says about `err`; `provider`: the one the edit asked. */
export function editRefusal(err: unknown, provider: string): EditRefusal {
  if (err instanceof ApiError && err.code === 'answer_started_elsewhere') {
    return { message: 'Another answer was started in this chat a moment ago (on another device or by someone else). Your edit was not sent: save it again once that answer ends.', fix: null, resend: false };
  }
  if (err instanceof ApiError && err.code === 'turn_running') {
    return { message: 'An answer is still being written in this chat. Your edit was not sent: save it again once the answer ends.', fix: null, resend: false };
  }
  const reason = (keptPromptWords(err) ?? (err instanceof Error ? err.message : 'Something went wrong.')).trimEnd();
  const { fix, againAfterMs } = refusalAdvice(err, provider);
  const keptPrompt = keptPromptRefusal(err);
  return {
    message: `${/[.!?]$/.test(reason) ? reason : `${reason}.`} Your edit was not sent.`,
    fix,
    resend: againAfterMs !== null,
    ...(againAfterMs ? { againAfterMs } : {}),
    ...(keptPrompt ? { keptPrompt } : {}),
  };
}

/** The chat state a refused edit goes back through. */
interface EditingChat {
  returnedEdit: ReturnedEdit | null;
  returnedDraft: string | null;
  sendError: SendError | null;
}

/**
 * A refused edit of question `id` when that question is no longer shown (the branch could not be
 * read again): its text goes to the message box after all, and the alert says what sending it
 * there does.
 */
export function editToMessageBox(chat: EditingChat, id: string): void {
  const refused = chat.returnedEdit;
  if (refused?.messageId !== id) return;
  chat.returnedEdit = null;
  chat.returnedDraft = refused.text;
  const message = `${refused.refusal.message} Your edit is in the message box below: sending it there adds a new message, not a new version.`;
  chat.sendError = { message, retry: null, fix: refused.refusal.fix };
}
