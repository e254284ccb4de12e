// What Enter does in a box of several lines: the message box and a prompt's text variables
// agree, so the key a user learns in one works in the other. Enter sends and Shift+Enter adds a
// line, as in chat apps; on a touch screen Enter adds a line, since its keyboard has no
// Shift+Enter (its Send button sends); Ctrl/⌘+Enter sends everywhere. Never while an input
// method is composing: its Enter chooses the characters (Japanese, Chinese), it is not a send.

type EnterKeys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'isComposing'>;

/** A phone or tablet without a mouse: its on-screen keyboard's Enter is the only way to a new line. */
export function touchOnly(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches && !matchMedia('(any-pointer: fine)').matches;
}

/** Whether this key press sends (the message, the form) rather than adding a line. */
export function enterSends(event: EnterKeys, touch = touchOnly()): boolean {
  if (event.key !== 'Enter' || event.isComposing) return false;
  return event.ctrlKey || event.metaKey || (!event.shiftKey && !touch);
}

/**
 * Submits a field's form as Enter in a one-line field would (the browser's implicit
 * submission): through its first submit button, and not at all when that is disabled or there
 * is none. Returns whether it submitted.
 */
export function submitLikeEnter(field: HTMLTextAreaElement): boolean {
  const form = field.form;
  const button = form?.querySelector<HTMLButtonElement | HTMLInputElement>('button:not([type="button"]):not([type="reset"]), input[type="submit"]');
  if (!form || !button || button.disabled) return false;
  form.requestSubmit(button);
  return true;
}
