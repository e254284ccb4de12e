/**
 * A chat opened on a message (a search hit): that message is scrolled to the middle of the
 * conversation, marked `aria-current` (what the chat was opened on) and lit for a moment, as
 * Slack and ChatGPT land on a search result. "Jump to latest" then shows, since the reader is
 * off the bottom, and takes them back.
 */
export function landOnMessage(scroller: HTMLElement, messageId: string): boolean {
  const target = scroller.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
  if (!target) return false;
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  target.scrollIntoView({ block: 'center', behavior: 'auto' });
  target.setAttribute('aria-current', 'true');
  // A ring that fades (box-shadow, not layout: nothing around it moves); held still without motion.
  const lit = { boxShadow: '0 0 0 3px rgb(251 191 36 / 0.8)', backgroundColor: 'rgb(251 191 36 / 0.12)' };
  const off = { boxShadow: '0 0 0 3px rgb(251 191 36 / 0)', backgroundColor: 'rgb(251 191 36 / 0)' };
  target.animate?.([lit, lit, off], { duration: reduced ? 4000 : 2500, easing: reduced ? 'step-end' : 'ease-out' });
  return true;
}
