// Ctrl+Z / ⌘Z is two things: a text field's own undo, and the newest toast's Undo (a deleted chat
// back). A field keeps the key while it has something to undo. An empty field that has not been
// typed in since it took focus has nothing: the chat page puts the keyboard in its message box when
// it opens, so right after the header's Delete (which opens a new chat) the box has it, and the key
// the toast offers would otherwise do nothing at all.

/** Where the keyboard is when the key is pressed. */
export interface KeyboardPlace {
  /** An input, textarea, select or editable element: one with an undo of its own. */
  textField: boolean;
  /** Its text is empty. */
  empty: boolean;
  /** Something was typed (or pasted, cut, undone) in it since it last took focus. */
  typedInSinceFocus: boolean;
}

/** The undo key itself: Ctrl+Z or ⌘Z, without Shift (redo) or Alt. */
export function isUndoKey(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'key'>): boolean {
  return (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'z';
}

/** Whether the key goes to the toast's Undo rather than to the field's own. */
export function undoGoesToToast(place: KeyboardPlace): boolean {
  return !place.textField || (place.empty && !place.typedInSinceFocus);
}

/** Describes the element the key was pressed in; `typedIn`: the element typed in that has kept focus since. */
export function keyboardPlace(target: EventTarget | null, typedIn: EventTarget | null): KeyboardPlace {
  if (!(target instanceof HTMLElement)) return { textField: false, empty: true, typedInSinceFocus: false };
  const valued = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
  const textField = valued || target.isContentEditable;
  const text = valued ? target.value : (target.textContent ?? '');
  return { textField, empty: text === '', typedInSinceFocus: typedIn === target };
}
