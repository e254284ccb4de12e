// Deleting prompts picked in the library (routes/prompts): hidden at once, sent when the toast offering Undo goes,
// as chats are (lib/chat/pending-deletes.ts). The toast says what deleting them breaks: a project
// whose system prompt one is loses it (the database sets it to none), a chat that keeps one is
// refused its next message until its owner goes on without it, and a public one goes from the
// public library, for everyone who opened or ran it.
import { SvelteSet } from 'svelte/reactivity';
import { browser } from '$app/environment';
import { ApiError, browserApi, ok } from '$lib/api';
import { deleteEach, PendingDeletes, UNDO_MS } from '$lib/chat/pending-deletes';
import { showHidden } from '$lib/invisible-chars';
import { toast } from '$lib/toast.svelte';
import { deletedMessage, prompts, PROMPTS, type DoomedPrompt } from './bulk-words';

export { prompts, type DoomedPrompt };

export const pendingPromptDeletes = new PendingDeletes<DoomedPrompt>(
  {
    // One DELETE a prompt, all started at once (a `keepalive` request, which outlives the page,
    // when it is going away; the same-origin proxy adds the token from the cookies). A prompt
    // already gone (404) counts as deleted.
    send: (ids, keepalive) =>
      deleteEach(
        ids,
        (id) => ok(browserApi().DELETE('/api/prompts/{id}', { params: { path: { id } }, keepalive })),
        (err) => err instanceof ApiError && err.status === 404,
      ),
    offerUndo: (message, undo, gone) => toast.success(message, { undo, onGone: gone, lifetimeMs: UNDO_MS }),
    withdraw: (id) => toast.withdraw(id),
    success: (message) => toast.success(message),
    error: (message) => toast.error(message),
    page: browser ? { window, document } : undefined,
    words: {
      ...PROMPTS,
      home: 'your prompts',
      deleted: deletedMessage,
    },
  },
  new SvelteSet(),
);

/**
 * Which of the caller's projects use each prompt as their system prompt (prompt id → project
 * names). Read when a delete is asked for; if it cannot be read, the delete says nothing of projects.
 */
export async function projectsUsing(ids: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const using = new Map<string, string[]>();
  try {
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await ok(browserApi().GET('/api/projects', { params: { query: { limit: 500, cursor } } }));
      for (const project of page.projects) {
        if (project.system_prompt_id && ids.has(project.system_prompt_id)) {
          using.set(project.system_prompt_id, [...(using.get(project.system_prompt_id) ?? []), showHidden(project.name)]);
        }
      }
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
  } catch {
    // The delete still has its Undo; the toast only says less.
  }
  return using;
}

/**
 * How many of the caller's own chats keep each prompt as their system prompt (prompt id →
 * count), read when a delete is asked for; if it cannot be read, the delete says nothing of chats.
 */
export async function chatsKeeping(ids: ReadonlySet<string>): Promise<Map<string, number>> {
  const keeping = new Map<string, number>();
  const list = [...ids];
  try {
    // The API takes up to 100 ids a request; a library selection is rarely larger.
    for (let at = 0; at < list.length; at += 100) {
      const page = await ok(browserApi().GET('/api/prompts/kept-in-chats', { params: { query: { ids: list.slice(at, at + 100).join(',') } } }));
      for (const { prompt_id, chats } of page.prompts) keeping.set(prompt_id, chats);
    }
  } catch {
    // The delete still has its Undo; the toast only says less.
  }
  return keeping;
}

/** Deletes `items` with Undo (see the module's header); `onDeleted` hears each one the API deleted. */
export function deletePrompts(items: readonly DoomedPrompt[], onDeleted: (id: string) => void): void {
  pendingPromptDeletes.delete(items, { onDeleted });
}
