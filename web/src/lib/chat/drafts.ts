// What the user was typing in each chat, kept for the tab's life (sessionStorage), so opening
// another chat, a new chat or Settings and coming back — or a reload — does not lose it, as in
// ChatGPT. Keyed by user as well: someone signing in next in the same tab never sees it. An
// empty box removes its entry.

const PREFIX = 'mrprompt-draft:';

function key(userId: string | null, sessionId: string | null): string {
  return `${PREFIX}${userId ?? 'anonymous'}:${sessionId ?? 'new'}`;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked by the browser's settings: drafts are simply not kept
  }
}

/** The draft kept for this chat ('' when none). */
export function readDraft(userId: string | null, sessionId: string | null, store = storage()): string {
  try {
    return store?.getItem(key(userId, sessionId)) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the box's text for this chat, or forgets it once the box is empty (sent, cleared). */
export function writeDraft(userId: string | null, sessionId: string | null, text: string, store = storage()): void {
  try {
    if (text.trim()) store?.setItem(key(userId, sessionId), text);
    else store?.removeItem(key(userId, sessionId));
  } catch {
    // Full or blocked storage: the draft is not kept, and typing goes on.
  }
}

/**
 * The chat this text was typed in is closed to its writer (deleted, or they were removed from it):
 * it waits in a new chat's box instead, unless that box holds something already; the chat's own
 * entry goes. Returns whether it was carried.
 */
export function carryDraft(userId: string | null, sessionId: string, text: string, store = storage()): boolean {
  const carried = text.trim().length > 0 && !readDraft(userId, null, store).trim();
  if (carried) writeDraft(userId, null, text, store);
  writeDraft(userId, sessionId, '', store);
  return carried;
}

/**
 * Forgets every draft kept in this tab, whoever typed it: signing out leaves nothing of what was
 * being written behind for the next person at this browser (per-user keys only hide it).
 */
export function forgetAllDrafts(store = storage()): void {
  try {
    if (!store) return;
    const keys = Array.from({ length: store.length }, (_, i) => store.key(i)).filter((k): k is string => k?.startsWith(PREFIX) ?? false);
    for (const k of keys) store.removeItem(k);
  } catch {
    // Blocked storage holds no drafts.
  }
}
