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

/** What a read of the newest page of the branch knows about the rows the tab has. */
export interface ReadContext {
  /** The row changed live after the read began: the tab's copy is newer than the read's. */
  changedSince(id: string): boolean;
  /** The row is gone for this view (deleted, or moved off it after the read began): never shown again. */
  gone(id: string): boolean;
  /** A row both have, changed by neither side since: the read's copy merged into the tab's. */
  merge(local: Message, row: Message): Message;
}

/**
 * The view after a newest-page read of the active branch: the page's rows (merged into the
 * tab's copies, except those the tab changed live since the read began, which keep every
 * column they have), then the rows the page lacks because they were inserted live after it
 * began, as long as they continue the branch the page shows. Rows the tab knows are gone
 * never come back.
 */
export function branchAfterRead(shown: readonly Message[], page: readonly Message[], read: ReadContext): Message[] {
  const known = new Map(shown.map((m) => [m.id, m]));
  const view: Message[] = [];
  for (const row of page) {
    if (read.gone(row.id)) continue;
    const local = known.get(row.id);
    view.push(!local ? row : read.changedSince(row.id) ? filledFrom(local, row) : read.merge(local, row));
  }
  const inPage = new Set(view.map((m) => m.id));
  // `shown` is oldest first, so a live question comes before its live answer.
  for (const m of shown) {
    if (!inPage.has(m.id) && read.changedSince(m.id) && !read.gone(m.id) && continuesBranch(view, m)) view.push(m);
  }
  return view;
}

/** The tab's newer copy of a row, with what only a page read carries (`siblings`) taken from the read. */
function filledFrom(local: Message, row: Message): Message {
  const own = Object.entries(local).filter(([, value]) => value !== undefined);
  return Object.assign({ ...row }, Object.fromEntries(own));
}
