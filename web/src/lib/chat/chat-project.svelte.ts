// The project a chat's header shows and offers, kept as it is elsewhere: a move made in another tab
// or device — or the project deleted, which takes its chats out of it (the row's project_id goes
// null) — arrives with the chat's row (lib/chat/chat-live.svelte.ts) and shows here, and the list
// of projects is read again then, so a deleted one is no longer offered (and one made meanwhile
// is). A move made here is confirmed with a toast, or refused with the reason, the header going
// back to where the chat is. The toast's Undo moves it back, unless it was moved again elsewhere
// since (lib/chat/session-undo.ts).
import { ApiError, browserApi, ok } from '$lib/api';
import { orderedReads } from '$lib/ordered-reads';
import { toast } from '$lib/toast.svelte';
import { undoSessionChange, UndoRefused } from './session-undo';

export interface ProjectChoice {
  id: string;
  name: string;
}

/** Every project of the user, as the chat layout lists them (the API's largest pages). */
async function readProjects(): Promise<ProjectChoice[]> {
  const all: ProjectChoice[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(browserApi().GET('/api/projects', { params: { query: { limit: 500, cursor } } }));
    all.push(...page.projects.map(({ id, name }) => ({ id, name })));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

export class ChatProject {
  /** The projects to choose from. */
  list = $state<ProjectChoice[]>([]);
  /** The chat's project's id; '' for none. Bound to the header's select. */
  current = $state('');
  // Where the chat is as far as the server last said (the select moves before the server agrees).
  private saved = '';
  private moving = 0;
  private reads = orderedReads();

  constructor(list: ProjectChoice[], projectId: string | null) {
    this.list = list;
    this.current = this.saved = list.some((p) => p.id === projectId) ? (projectId ?? '') : '';
  }

  /**
   * The page's data says so (its load after a navigation or an invalidation): a new chat keeps
   * its view while its data moves to /chat/<id>, with the projects made meanwhile.
   */
  adopt(list: ProjectChoice[], projectId: string | null): void {
    this.list = list;
    if (this.moving) return;
    this.current = this.saved = list.some((p) => p.id === projectId) ? (projectId ?? '') : '';
  }

  private name(id: string): string | undefined {
    return this.list.find((p) => p.id === id)?.name;
  }

  /** The chat's row says it is in `projectId` (null: none) now. */
  follow(projectId: string | null): void {
    const next = projectId ?? '';
    if (next === this.saved) return;
    this.saved = next;
    // A move on its way from here is newer than what the row said before it.
    if (this.moving) return;
    this.current = next;
    void this.reload();
  }

  /** Reads the list of projects again (a project deleted or made elsewhere). */
  async reload(): Promise<void> {
    const read = this.reads.begin();
    const list = await readProjects().catch(() => null);
    if (list && read.apply()) this.list = list;
  }

  /** The header's select moved the chat (`current` holds the new choice). */
  async move(sessionId: string): Promise<void> {
    const from = this.saved;
    const to = this.current;
    if (to === from) return;
    this.moving++;
    try {
      const row = await ok(browserApi().PATCH('/api/sessions/{id}', { params: { path: { id: sessionId } }, body: { project_id: to || null } }));
      this.saved = row.project_id ?? '';
      toast.success(to ? `Moved to ${this.name(to) ?? 'the project'}.` : `Moved out of ${this.name(from) ?? 'its project'}.`, {
        undo: () => this.moveBack(sessionId, row.project_id, from),
      });
    } catch (err) {
      // The API's 404 names what it did not find (lib/errors.ts notFound).
      const gone = err instanceof ApiError && err.status === 404 && err.message.startsWith('Project');
      toast.error(gone ? 'That project no longer exists: the chat stays where it was.' : `Could not move the chat: ${err instanceof Error ? err.message : 'try again'}.`);
      if (this.current === to) this.current = this.saved;
      if (gone) void this.reload();
    } finally {
      this.moving--;
    }
  }

  /** The move's toast's Undo: back to `from` ('' for none) if the chat is still in `left`. */
  private async moveBack(sessionId: string, left: string | null, from: string): Promise<void> {
    const where = (id: string | null) => (id ? `to ${this.name(id) ?? 'another project'}` : 'out of its project');
    this.moving++;
    try {
      const row = await undoSessionChange(sessionId, { project_id: left }, { project_id: from || null }, (now) =>
        `Not undone: the chat was moved ${where(now.project_id)} elsewhere since.`);
      this.moved(row.project_id);
      toast.success(from ? `Moved back to ${this.name(from) ?? 'its project'}.` : 'Moved back out of the project.');
    } catch (err) {
      if (err instanceof UndoRefused) this.moved(err.row.project_id);
      const gone = err instanceof ApiError && err.status === 404 && err.message.startsWith('Project');
      toast.error(err instanceof UndoRefused ? err.message
        : gone ? 'Not undone: that project no longer exists.' : `Could not undo the move: ${err instanceof Error ? err.message : 'try again'}.`);
    } finally {
      this.moving--;
    }
  }

  /** The server says the chat is in `projectId` now: the header shows it. */
  private moved(projectId: string | null): void {
    this.saved = this.current = projectId ?? '';
  }
}
