/**
 * Where the keyboard goes after "Jump to latest" (the button goes away once the newest messages
 * are in view): the message box, or — where this person cannot post — the newest message
 * (QA 5 #7, WCAG 2.4.3: it fell to <body>).
 */
export function focusAfterJump(scroller: HTMLElement | undefined): void {
  const box = document.getElementById('composer') as HTMLTextAreaElement | null;
  if (box && !box.disabled) return box.focus({ preventScroll: true });
  const last = scroller?.querySelector<HTMLElement>('article:last-of-type');
  if (!last) return;
  if (!last.hasAttribute('tabindex')) last.tabIndex = -1;
  last.focus({ preventScroll: true });
}
