// One project: its settings (name, description, system prompt, label and the values of the
// prompt's variables), the files every chat in it can use, and its chats. Files and further
// pages of chats go through the API from the browser; settings and delete are form actions.
import { fail, redirect } from '@sveltejs/kit';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { projectSettings } from '$lib/server/project-form';
import { ownPromptChoices } from '$lib/server/prompt-choices';
import { CHATS_PAGE_SIZE } from '../cards';
import { promptAt, variableValues } from './prompt-at';
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
        system_prompt_variables: project.system_prompt_variables,
      },
      prompts,
      systemPrompt: project.system_prompt_id ? await promptAt(api, project.system_prompt_id, project.system_prompt_label) : null,
      files,
      chats: chats.sessions.map(({ id, title, last_message_at }) => ({ id, title, last_message_at })),
      chatsCursor: chats.next_cursor,
    };
  } catch (err) {
    loadFailed(err, 'This project does not exist. It may have been deleted.');
  }
};

export const actions: Actions = {
  update: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const input = projectSettings.safeParse(Object.fromEntries(form));
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    // The values go with the prompt they were filled in for (none without one).
    const body = input.data.system_prompt_id ? { ...input.data, system_prompt_variables: variableValues(form) } : input.data;
    try {
      await ok(api.PATCH('/api/projects/{id}', { params: { path: { id: event.params.id } }, body }));
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
