// Deleting chats, wherever it is asked for (the chat's header, a sidebar row's menu, several
// picked in the sidebar): the request, and the toast that says it was done. A delete cannot be
// undone (the chat, its messages and files are gone), so it is always asked first
// (DeleteConfirm.svelte) and its toast offers no Undo.
import { browserApi, ok } from '$lib/api';
import { toast } from '$lib/toast.svelte';
import { boundedAll, bulkSummary, type Outcome } from './bulk-requests';

/** How many deletes (or moves) run at once. */
export const AT_ONCE = 4;

const request = (id: string) => ok(browserApi().DELETE('/api/sessions/{id}', { params: { path: { id } } }));

/** Deletes one chat (`name`: its title as shown) and says so; throws the API's error. */
export async function deleteChat(id: string, name: string): Promise<void> {
  await request(id);
  toast.success(`Deleted “${name}”.`);
}

/** Deletes several chats, a few at a time, and says how many were (and which were not, and why). */
export async function deleteChats<T extends { id: string }>(items: readonly T[], name: (item: T) => string): Promise<Outcome<T>[]> {
  const outcomes = await boundedAll(items, AT_ONCE, (item) => request(item.id));
  const summary = bulkSummary(outcomes, name, 'deleted');
  if (summary.ok) toast.success(summary.message);
  else toast.error(summary.message);
  return outcomes;
}
