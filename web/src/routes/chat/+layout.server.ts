// The chat sidebar: the user's sessions and the projects they are grouped by.
import { ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const [{ sessions }, { projects }] = await Promise.all([
      ok(api.GET('/api/sessions', { params: { query: { limit: 100 } } })),
      ok(api.GET('/api/projects')),
    ]);
    return {
      sessions: sessions.map(({ id, title, project_id, last_message_at, pinned_at, archived_at }) => ({ id, title, project_id, last_message_at, pinned_at, archived_at })),
      projects: projects.map(({ id, name }) => ({ id, name })),
    };
  } catch (err) {
    loadFailed(err);
  }
};
