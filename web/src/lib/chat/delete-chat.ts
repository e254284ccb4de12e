// Deleting chats, wherever it is asked for (the chat's header, a sidebar row's menu, several
// picked in the sidebar): this app's one PendingDeletes (lib/chat/pending-deletes.ts), which
// hides them at once and sends the requests once the toast's Undo is no longer offered.
import { SvelteSet } from 'svelte/reactivity';
import { browser } from '$app/environment';
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { browserApi, ok } from '$lib/api';
import { toast } from '$lib/toast.svelte';
import { PendingDeletes, UNDO_MS } from './pending-deletes';

export { type Doomed } from './pending-deletes';

export const pendingDeletes = new PendingDeletes(
  {
    // A `keepalive` request outlives the page (the same-origin proxy adds the token from the
    // cookies). openapi-fetch builds it with its body as text, which keepalive needs (not a
    // stream), and calls fetch before its first await: the request has started when this returns.
    send: async (ids, keepalive) => {
      await ok(browserApi().POST('/api/sessions/delete', { body: { ids }, keepalive }));
    },
    offerUndo: (message, undo, gone) => toast.success(message, { undo, onGone: gone, lifetimeMs: UNDO_MS }),
    withdraw: (id) => toast.withdraw(id),
    success: (message) => toast.success(message),
    error: (message) => toast.error(message),
    page: browser ? { window, document } : undefined,
  },
  new SvelteSet(),
);

/** Undo of the open chat's delete: back to it, if the reader is still on the new chat the delete
 * took them to (not once they went elsewhere or started that chat). */
export function backToChat(id: string): void {
  if (page.url.pathname === '/chat' && !page.url.search && !page.state.chatId) void goto(`/chat/${id}`);
}
