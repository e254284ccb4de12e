// What the root layout's shell lends the pages inside it: a panel that covers the whole page
// (the phone's chats drawer) makes the shell behind it — the top navigation and banners — inert,
// so neither the keyboard nor a screen reader's reading cursor reaches what the panel hides.
import { getContext, setContext } from 'svelte';

export interface AppShell {
  /** Whether a panel covers the page now (the shell behind it is inert while it does). */
  cover(covered: boolean): void;
}

const KEY = Symbol('app-shell');

export function provideAppShell(shell: AppShell): void {
  setContext(KEY, shell);
}

/** The root layout's shell, or null outside it. */
export function appShell(): AppShell | null {
  return getContext<AppShell | undefined>(KEY) ?? null;
}
