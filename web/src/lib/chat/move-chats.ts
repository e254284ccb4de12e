// Moving chats to a project (or out of one) from the sidebar — one chat from its row's menu, or
// several picked — with the toast's Undo, which puts each back where it was unless it was moved
// again elsewhere since (lib/chat/session-undo.ts). Several are moved a few at a time, and the
// toast says how many were and which were not (lib/chat/bulk-requests.ts).
import { browserApi, ok, type ChatSession } from '$lib/api';
import { toast } from '$lib/toast.svelte';
import { AT_ONCE, boundedAll, bulkSummary, chats } from './bulk-requests';
import { undoSessionChange, UndoRefused } from './session-undo';

export interface Movable {
  id: string;
  /** Its title as shown. */
  name: string;
  project_id: string | null;
}

/** Moves `items` to `to` (null: out of any project); `onRow` gets each chat's row as the API returns it. */
export async function moveChats(items: readonly Movable[], to: string | null, projects: readonly { id: string; name: string }[], onRow: (row: ChatSession) => void): Promise<void> {
  const projectName = (id: string | null) => projects.find((p) => p.id === id)?.name;
  const where = to ? `to ${projectName(to) ?? 'the project'}` : 'out of their project';
  const moved: { item: Movable; left: string | null }[] = [];
  const outcomes = await boundedAll(items, AT_ONCE, async (item) => {
    const row = await ok(browserApi().PATCH('/api/sessions/{id}', { params: { path: { id: item.id } }, body: { project_id: to } }));
    moved.push({ item, left: row.project_id });
    onRow(row);
  });
  const summary = bulkSummary(outcomes, (item) => item.name, `moved ${where}`);
  const single = items.length === 1 && summary.ok;
  const message = single ? `Moved “${items[0]!.name}” ${to ? where : 'out of its project'}.` : summary.message;
  const undo = moved.length > 0 ? () => moveBack(moved, projectName, onRow) : undefined;
  if (summary.ok) toast.success(message, { undo });
  else toast.error(message);
}

/** The toast's Undo: each chat back where it was, if it is still where the move left it. */
async function moveBack(moved: { item: Movable; left: string | null }[], projectName: (id: string | null) => string | undefined, onRow: (row: ChatSession) => void) {
  const outcomes = await boundedAll(moved, AT_ONCE, async ({ item, left }) => {
    try {
      onRow(await undoSessionChange(item.id, { project_id: left }, { project_id: item.project_id }, (now) =>
        `moved ${now.project_id ? `to ${projectName(now.project_id) ?? 'another project'}` : 'out of its project'} elsewhere since`));
    } catch (err) {
      if (err instanceof UndoRefused) onRow(err.row);
      throw err;
    }
  });
  const summary = bulkSummary(outcomes, ({ item }) => item.name, 'moved back');
  if (moved.length === 1 && summary.ok) toast.success(`Moved “${moved[0]!.item.name}” back.`);
  else if (summary.ok) toast.success(`${chats(moved.length)} moved back.`);
  else toast.error(`Not all undone: ${summary.message}`);
}
