// The chat page's keyboard shortcuts, as ChatGPT has them, so hands that know them work here:
// Ctrl+Shift+O (⌘⇧O) a new chat, Shift+Esc the message box, Ctrl+Shift+C (⌘⇧C) copies the last
// answer. Listed in the shortcuts dialog (lib/components/ShortcutsDialog.svelte).

export type ChatShortcut = 'new-chat' | 'focus-composer' | 'copy-last-answer';

type Keys = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** What a key press asks of the chat page, or null. `code` is checked so a layout where Shift
 * changes the letter's case or symbol still matches the physical key. */
export function chatShortcut(event: Keys): ChatShortcut | null {
  const command = event.ctrlKey || event.metaKey;
  if (event.altKey) return null;
  if (command && event.shiftKey && (event.code === 'KeyO' || event.key.toLowerCase() === 'o')) return 'new-chat';
  if (command && event.shiftKey && (event.code === 'KeyC' || event.key.toLowerCase() === 'c')) return 'copy-last-answer';
  if (!command && event.shiftKey && event.key === 'Escape') return 'focus-composer';
  return null;
}
