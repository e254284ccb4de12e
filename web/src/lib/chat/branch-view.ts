// Which rows belong in a chat view that shows one branch of the conversation (the session's
// active leaf up to the root; lib/chat/chat-state.svelte.ts). Pure, so the rules are tested
// apart from the view.
import type { Message } from '$lib/api';

/** The last message shown that the server knows (drafts of a send in flight have `pending-` ids). */
export function lastStored(shown: readonly Message[]): Message | undefined {
  return shown.findLast((m) => !m.id.startsWith('pending-'));
}

/** A new row joins the view when it follows the last message shown (or starts an empty chat). */
export function continuesBranch(shown: readonly Message[], row: Pick<Message, 'parent_id'>): boolean {
  if (row.parent_id === undefined) return true; // a copy without the column (from before branches)
  const last = lastStored(shown);
  return last ? row.parent_id === last.id : row.parent_id === null;
}

/** A newest-page read extends what is shown when it still holds the last message shown;
 * otherwise the active branch moved elsewhere and the view must be replaced. */
export function pageExtendsView(shown: readonly Message[], page: readonly Pick<Message, 'id'>[]): boolean {
  const last = lastStored(shown);
  return !last || page.some((m) => m.id === last.id);
}
