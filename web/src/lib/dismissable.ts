// A popover panel that closes the way people expect: Esc (focus going back to its button), or a
// press anywhere outside it.
// Its toggle button (the element with aria-controls naming the panel's id) is left to toggle.
// Esc is taken in the capture phase and marked handled, so the chat's own Esc (stop the
// answer being written) does not also fire while a panel is open.
export function dismissable(node: HTMLElement, close: () => void) {
  let onClose = close;
  const isToggle = (target: EventTarget | null) =>
    target instanceof Element && node.id !== '' && target.closest(`[aria-controls="${CSS.escape(node.id)}"]`) !== null;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    // The panel goes away with whatever had focus in it: give focus back to its button rather
    // than dropping it on the page's body (where the next Tab starts from the top).
    const hadFocus = node.contains(document.activeElement);
    const toggle = node.id ? document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(node.id)}"]`) : null;
    onClose();
    if (hadFocus) toggle?.focus();
  };
  const onPointer = (event: PointerEvent) => {
    if (!node.contains(event.target as Node) && !isToggle(event.target)) onClose();
  };
  window.addEventListener('keydown', onKey, true);
  document.addEventListener('pointerdown', onPointer, true);
  return {
    update(next: () => void) {
      onClose = next;
    },
    destroy() {
      window.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onPointer, true);
    },
  };
}
