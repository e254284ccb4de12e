// The chats drawer on phones: the chat layout owns it (the sidebar becomes a drawer below the
// `md` breakpoint) and the conversation's header holds the button that opens it, so that the
// button shares the title's row instead of taking a row of its own.
import { getContext, setContext } from 'svelte';

export interface ChatsDrawer {
  open(): void;
  /** Opens it with the message search focused: phones have no Ctrl+K, and the box is in it. */
  search(): void;
  isOpen(): boolean;
}

const KEY = Symbol('chats-drawer');

export function provideChatsDrawer(drawer: ChatsDrawer): void {
  setContext(KEY, drawer);
}

/** The drawer of the enclosing chat layout, or null outside it. */
export function chatsDrawer(): ChatsDrawer | null {
  return getContext<ChatsDrawer | undefined>(KEY) ?? null;
}
