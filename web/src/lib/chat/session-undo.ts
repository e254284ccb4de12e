// Undo for a change this tab made to a chat — archived, pinned or unpinned (the sidebar's row),
// moved to a project (the chat's header) — offered on the toast that confirms it. It puts the
// chat back only if the chat is still as the change left it: read first, and if another tab or
// device changed that since (restored it, archived it again, moved it elsewhere) nothing is
// overwritten and the reader is told why (the newer change wins, as it would have without Undo).
import { browserApi, ok, type ChatSession } from '$lib/api';

/** What the change set: the field of the chat's row, and its value in the row the API returned. */
export interface SessionChange {
  field: 'archived_at' | 'pinned_at' | 'project_id';
  left: string | null;
}

export type PatchBack = { archived: boolean } | { pinned: boolean } | { project_id: string | null };

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

/**
 * PATCHes `back` if the chat's `change.field` is still `change.left`; returns the row the API
 * returned. Throws UndoRefused (with the chat as it is now) when it is not, or the API's error.
 */
export async function undoSessionChange(id: string, change: SessionChange, back: PatchBack, refused: (now: ChatSession) => string): Promise<ChatSession> {
  const api = browserApi();
  const now = await ok(api.GET('/api/sessions/{id}', { params: { path: { id } } }));
  if ((now[change.field] ?? null) !== change.left) throw new UndoRefused(refused(now), now);
  return ok(api.PATCH('/api/sessions/{id}', { params: { path: { id } }, body: back }));
}
