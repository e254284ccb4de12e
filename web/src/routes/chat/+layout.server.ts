// The chat sidebar: the user's sessions (the first page of them — the sidebar reads the next
// ones as it is scrolled, lib/chat/sidebar-list.svelte.ts — and every pinned one) and the
// projects they are grouped by; for a user without chats, what the first-run welcome shows.
import { ok, type Api, type Project } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadFirstRun } from '$lib/server/first-run';
import { PAGE, type FirstPage } from '$lib/chat/session-span';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const [{ sessions: recent, next_cursor }, { sessions: pinned }, projects] = await Promise.all([
      ok(api.GET('/api/sessions', { params: { query: { limit: PAGE } } })),
      // Pinned chats stay in the sidebar however long ago they were last used.
      ok(api.GET('/api/sessions', { params: { query: { pinned: 'true', limit: 100 } } })),
      allProjects(api),
    ]);
    const oldest = recent.at(-1);
    const sessions = [...recent, ...pinned.filter((p) => !recent.some((r) => r.id === p.id))];
    return {
      sessions: sessions.map(({ id, title, title_version, project_id, last_message_at, pinned_at, archived_at, role }) => ({ id, title, title_version, project_id, last_message_at, pinned_at, archived_at, role })),
      // Where the first page ends: the sidebar reads on from there.
      firstPage: { next: next_cursor, oldest: oldest ? { id: oldest.id, last_message_at: oldest.last_message_at } : null, count: recent.length } satisfies FirstPage,
      projects: projects.map(({ id, name }) => ({ id, name })),
      // The welcome is a nicety: failing to read it never keeps anyone from chatting.
      firstRun: recent.length === 0 ? await loadFirstRun(api).catch(() => null) : null,
    };
  } catch (err) {
    loadFailed(err);
  }
};

/** Every project, the API's largest pages (one for nearly everyone): the sidebar groups chats under them. */
async function allProjects(api: Api): Promise<Project[]> {
  const projects: Project[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api.GET('/api/projects', { params: { query: { limit: 500, cursor } } }));
    projects.push(...page.projects);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return projects;
}
