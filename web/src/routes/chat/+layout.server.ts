// The chat sidebar: the user's sessions and the projects they are grouped by.
import { rows } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { ChatSession, Project } from '$lib/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const [sessions, projects] = await Promise.all([api.get<unknown>('/sessions', { limit: 100 }), api.get<unknown>('/projects')]);
    return {
      sessions: rows<ChatSession>(sessions, 'sessions').map(({ id, title, project_id, last_message_at }) => ({ id, title, project_id, last_message_at })),
      projects: rows<Project>(projects, 'projects').map(({ id, name }) => ({ id, name })),
    };
  } catch (err) {
    loadFailed(err);
  }
};
