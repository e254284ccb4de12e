// Continue asks the model to go on from the answer it already wrote. An answer stopped (or cut)
// before any text — only its reasoning arrived — has nothing to go on from: the model would get
// the question again and a request to continue nothing (the API refuses it: 409
// nothing_to_continue), so such an answer offers Regenerate instead.
import type { Message } from '$lib/api';

/** Whether "Continue" makes sense for this answer: it has text to go on from. */
export function hasTextToContinue(message: Pick<Message, 'sender' | 'content'>): boolean {
  return message.sender === 'assistant' && message.content.trim() !== '';
}
