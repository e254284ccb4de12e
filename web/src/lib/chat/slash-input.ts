// `/` typed into an empty message box opens the prompt picker. A hardware keyboard says so on
// keydown (key '/'), which the composer takes before the character lands. An on-screen keyboard
// on Android does not: its keydown is key 'Unidentified' (keyCode 229) and the character only
// comes with the input event, so the box ends up holding "/" and nothing opened. That input is
// recognised here: one character typed (or committed by the keyboard's composition) into an
// empty box, and the box now exactly "/". A paste, a drop or an edit elsewhere is not a `/` typed.

const TYPED = new Set(['insertText', 'insertCompositionText', 'insertReplacementText']);

/** Whether the input that turned the box's `before` into `after` was `/` typed into it empty. */
export function typedSlash(before: string, after: string, inputType: string): boolean {
  return before === '' && after === '/' && TYPED.has(inputType);
}
