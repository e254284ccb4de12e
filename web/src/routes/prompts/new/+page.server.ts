// Creating a prompt: validate the form, POST it, open the new prompt.
import { fail, redirect } from '@sveltejs/kit';
import { ApiError, ok, type Prompt } from '$lib/api';
import { requireApi } from '$lib/server/api';
import { parsePromptForm } from '$lib/server/prompt-form';
import { providerChoices } from '$lib/server/providers';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  // The model settings offer the providers this server has (a typed one was often a typo).
  return { providers: await providerChoices(api) };
};

export const actions: Actions = {
  create: async (event) => {
    const api = await requireApi(event);
    const input = parsePromptForm(await event.request.formData());
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    let created: Prompt;
    try {
      const { commit_message: _, ...body } = input.data;
      created = await ok(api.POST('/api/prompts', { body }));
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
    redirect(303, `/prompts/${created.id}`);
  },
};
