// Ctrl+Shift+C on the chat page (lib/chat/chat-keys.ts).
import { copyText } from '$lib/clipboard';
import { toast } from '$lib/toast.svelte';

/** Ctrl+Shift+C: the last answer shown (its markdown, as Copy under it gives), with a toast. */
export async function copyLastAnswer(messages: { sender: string; content: string }[]): Promise<void> {
  const last = messages.findLast((m) => m.sender === 'assistant' && m.content);
  if (!last) return void toast.error('There is no answer to copy yet.');
  if (await copyText(last.content)) toast.success('Copied the last answer.');
  else toast.error('Could not copy the answer: the browser refused.');
}
