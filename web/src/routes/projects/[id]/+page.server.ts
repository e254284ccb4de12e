// One project: its settings (name, description, system prompt and label), the files every
// chat in it can use, and its chats. Files and further pages of chats go through the API from
// the browser; settings and delete are form actions.
import { fail, redirect } from '@sveltejs/kit';
import { ApiError, ok, type Api } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { projectSettings } from '$lib/server/project-form';
import { ownPromptChoices } from '$lib/server/prompt-choices';
import { CHATS_PAGE_SIZE } from '../cards';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const path = { id: event.params.id };
  try {
    const [project, prompts, { files }, chats] = await Promise.all([
      ok(api.GET('/api/projects/{id}', { params: { path } })),
      ownPromptChoices(api),
      ok(api.GET('/api/projects/{id}/files', { params: { path } })),
      ok(api.GET('/api/sessions', { params: { query: { project_id: event.params.id, limit: CHATS_PAGE_SIZE } } })),
    ]);
    return {
      project: {
        id: project.id, name: project.name, description: project.description,
        system_prompt_id: project.system_prompt_id, system_prompt_label: project.system_prompt_label,
      },
      prompts,
      systemPrompt: project.system_prompt_id ? await systemPrompt(api, project.system_prompt_id) : null,
      files,
      chats: chats.sessions.map(({ id, title, last_message_at }) => ({ id, title, last_message_at })),
      chatsCursor: chats.next_cursor,
    };
  } catch (err) {
    loadFailed(err, 'This project does not exist. It may have been deleted.');
  }
};

/** The project's prompt as the caller can read it now: its title and labels (for the label
 * field), or `missing` when someone's public prompt was made private since (a deleted prompt
 * clears the project's, by its foreign key). */
async function systemPrompt(api: Api, id: string) {
  try {
    const prompt = await ok(api.GET('/api/prompts/{id}', { params: { path: { id } } }));
    return { id, title: prompt.title, labels: (prompt.labels ?? []).map(({ label, version }) => ({ label, version })), missing: false };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { id, title: 'A prompt you can no longer read', labels: [], missing: true };
    throw err;
  }
}

export const actions: Actions = {
  update: async (event) => {
    const api = await requireApi(event);
    const input = projectSettings.safeParse(Object.fromEntries(await event.request.formData()));
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    try {
      await ok(api.PATCH('/api/projects/{id}', { params: { path: { id: event.params.id } }, body: input.data }));
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
    return { toast: 'Project saved.' };
  },
  delete: async (event) => {
    const api = await requireApi(event);
    try {
      await ok(api.DELETE('/api/projects/{id}', { params: { path: { id: event.params.id } } }));
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
    redirect(303, '/projects');
  },
};
