// Undo for a change this tab made to a chat — archived, pinned or unpinned (the sidebar's row),
// moved to a project (the chat's header) — offered on the toast that confirms it. It puts the
// chat back only if the chat is still as the change left it, in one request the API applies
// conditionally (PATCH with `if_unchanged`): if another tab or device changed that since
// (restored it, archived it again, moved it elsewhere), even a moment before Undo was pressed,
// nothing is overwritten and the reader is told why (the newer change wins, as it would have
// without Undo).
import { ApiError, browserApi, ok, type ChatSession } from '$lib/api';

/** What the change left, as the API's `if_unchanged` names it: the chat must still be so. */
export type LeftAs = { archived: boolean } | { pinned: boolean } | { project_id: string | null } | { title: string };

export type PatchBack = { archived: boolean } | { pinned: boolean } | { project_id: string | null } | { title: string };

/** The chat was changed elsewhere since: not undone. `row` is how it is now. */
export class UndoRefused extends Error {
  constructor(
    message: string,
    readonly row: ChatSession,
  ) {
    super(message);
    this.name = 'UndoRefused';
  }
}

/** The chat as it is now, from a 409 changed_meanwhile; null for any other error. */
function changedMeanwhile(err: unknown): ChatSession | null {
  if (!(err instanceof ApiError) || err.status !== 409 || err.code !== 'changed_meanwhile') return null;
  const session = err.details.session;
  return session && typeof session === 'object' && 'id' in session ? (session as ChatSession) : null;
}

/**
 * PATCHes `back` if the chat is still as `left` says; returns the row the API returned. Throws
 * UndoRefused (with the chat as it is now) when it is not, or the API's error.
 */
export async function undoSessionChange(id: string, left: LeftAs, back: PatchBack, refused: (now: ChatSession) => string): Promise<ChatSession> {
  try {
    return await ok(browserApi().PATCH('/api/sessions/{id}', { params: { path: { id } }, body: { ...back, if_unchanged: left } }));
  } catch (err) {
    const now = changedMeanwhile(err);
    if (now) throw new UndoRefused(refused(now), now);
    throw err;
  }
}
