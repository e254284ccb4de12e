// Settings → API keys for other apps: create (the key is shown once), list, revoke.
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

const createForm = z.object({
  name: z.string().trim().min(1, 'Give the key a name').max(100),
  scopes: z.array(z.enum(['prompts:read', 'chat'])).min(1, 'Pick at least one scope'),
  // A date from the picker: the key works until the end of that day (UTC).
  // ISO dates compare as strings; checked here so the API's own wording (expires_at: …) never shows.
  expires: z.union([
    z.literal(''),
    z.iso.date('Pick a date').refine((day) => day >= new Date().toISOString().slice(0, 10), 'Pick today or a later day; an expired key would not work'),
  ]),
});

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const { keys } = await ok(api.GET('/api/api-keys'));
    // An expired key is refused (401) though still listed: the list says so rather than showing it like a working one.
    const now = Date.now();
    return { keys: keys.map((key) => ({ ...key, expired: key.expires_at !== null && Date.parse(key.expires_at) <= now })) };
  } catch (err) {
    loadFailed(err);
  }
};

export const actions: Actions = {
  create: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const input = createForm.safeParse({ name: form.get('name') ?? '', scopes: form.getAll('scopes'), expires: form.get('expires') ?? '' });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const expires_at = input.data.expires ? `${input.data.expires}T23:59:59Z` : null;
    try {
      const created = await ok(api.POST('/api/api-keys', { body: { name: input.data.name, scopes: input.data.scopes, expires_at } }));
      return { created: { name: created.name, key: created.key } };
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
  },
  revoke: async (event) => {
    const api = await requireApi(event);
    const id = z.uuid().safeParse((await event.request.formData()).get('id'));
    if (!id.success) return fail(400, { error: 'Unknown key' });
    try {
      await ok(api.DELETE('/api/api-keys/{id}', { params: { path: { id: id.data } } }));
      return { revoked: true };
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message });
      throw err;
    }
  },
};
