// The provider a new chat's picker has chosen, for the first-run welcome above it (the chat
// layout's): "Demo (offline) is selected" was said while the picker was on another provider
// (QA 5 #5). The layout provides it; the conversation's view writes it as the picker changes.
import { getContext, setContext } from 'svelte';

export class PickedProvider {
  /** Null until a conversation's view reports one (the page's default is said meanwhile). */
  id = $state<string | null>(null);
}

const KEY = Symbol('picked-provider');

export function providePickedProvider(): PickedProvider {
  return setContext(KEY, new PickedProvider());
}

/** The enclosing chat layout's, or null outside it (a project page's chat…). */
export function pickedProvider(): PickedProvider | null {
  return getContext<PickedProvider | undefined>(KEY) ?? null;
}
