// Projects: folders of chats, each with an optional system prompt (pinned by label).
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';
import { PAGE_SIZE, toCard } from './cards';

const name = z.string().trim().min(1, 'Give the project a name').max(100);
const id = z.uuid();
const settings = z.object({
  id,
  name,
  description: z.string().trim().max(2000),
  system_prompt_id: z.union([z.literal('').transform(() => null), z.uuid()]),
  system_prompt_label: z.union([
    z.literal('').transform(() => null),
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Labels are lowercase letters, digits, - and _'),
  ]),
});

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const [{ projects, next_cursor }, { prompts }] = await Promise.all([
      ok(api.GET('/api/projects', { params: { query: { limit: PAGE_SIZE } } })),
      ok(api.GET('/api/prompts', { params: { query: { scope: 'mine' } } })),
    ]);
    return {
      projects: projects.map(toCard),
      nextCursor: next_cursor,
      prompts: prompts.map(({ id, title }) => ({ id, title })),
    };
  } catch (err) {
    loadFailed(err);
  }
};

async function attempt(work: () => Promise<unknown>) {
  try {
    await work();
    return { ok: true };
  } catch (err) {
    if (err instanceof ApiError) return fail(err.status, { error: err.message });
    throw err;
  }
}

export const actions: Actions = {
  create: async (event) => {
    const api = await requireApi(event);
    const input = name.safeParse((await event.request.formData()).get('name'));
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    return attempt(() => ok(api.POST('/api/projects', { body: { name: input.data, description: '' } })));
  },
  update: async (event) => {
    const api = await requireApi(event);
    const form = Object.fromEntries(await event.request.formData());
    const input = settings.safeParse(form);
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const { id: projectId, ...body } = input.data;
    return attempt(() => ok(api.PATCH('/api/projects/{id}', { params: { path: { id: projectId } }, body })));
  },
  delete: async (event) => {
    const api = await requireApi(event);
    const input = id.safeParse((await event.request.formData()).get('id'));
    if (!input.success) return fail(400, { error: 'Unknown project' });
    return attempt(() => ok(api.DELETE('/api/projects/{id}', { params: { path: { id: input.data } } })));
  },
};
