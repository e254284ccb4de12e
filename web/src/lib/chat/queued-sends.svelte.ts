// The chat view's side of the send queue (send-queue.ts): waiting messages go once the answer
// being written ends (the queue waits for it: 409 turn_running), and a new chat that got its id
// keeps them under it (a reload of /chat/<id> finds them).
import { untrack } from 'svelte';
import type { ChatState } from '$lib/chat/chat-state.svelte';
import type { QueuedMessage } from '$lib/chat/send-queue';

/** Wires the queue to the view (call during component set-up); returns Edit for a waiting message. */
export function followQueuedSends(chat: ChatState): (message: QueuedMessage) => void {
  $effect(() => {
    if (!chat.streaming && chat.queue.items.length > 0) untrack(() => void chat.queue.flush());
  });
  $effect(() => {
    if (chat.sessionId) untrack(() => chat.queue.save());
  });
  // Edit on a waiting message: its text (and files) back in the message box, to change and send.
  return (message) => {
    chat.returnedDraft = message.text;
    if (message.files.length) chat.returnedAttachments = message.files.map((f) => f.path);
    document.getElementById('composer')?.focus();
  };
}
