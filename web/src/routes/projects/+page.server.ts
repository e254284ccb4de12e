// Projects: folders of chats, each with an optional system prompt (pinned by label) and files
// every chat in it can use. The list shows what each project is; a project's page edits it.
import { fail, redirect } from '@sveltejs/kit';
import { ApiError, ok, type ProjectWithPrompt } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';
import { projectName } from '$lib/server/project-form';
import { PAGE_SIZE, toCard } from './cards';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const { projects, next_cursor } = await ok(api.GET('/api/projects', { params: { query: { limit: PAGE_SIZE } } }));
    return { projects: projects.map(toCard), nextCursor: next_cursor };
  } catch (err) {
    loadFailed(err);
  }
};

export const actions: Actions = {
  // A new project opens on its own page, where its prompt, files and chats are set up.
  create: async (event) => {
    const api = await requireApi(event);
    const input = projectName.safeParse((await event.request.formData()).get('name'));
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    let project: ProjectWithPrompt;
    try {
      project = await ok(api.POST('/api/projects', { body: { name: input.data, description: '' } }));
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
    redirect(303, `/projects/${project.id}`);
  },
};
