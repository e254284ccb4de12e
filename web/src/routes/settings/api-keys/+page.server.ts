// Settings → API keys for other apps: create (the key is shown once), list with what each key's
// calls cost, revoke (a revoked key stays listed, apart, with its spend).
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { publicEnv } from '$lib/server/env';
import { knownTimeZone, localDay, TIME_ZONE_COOKIE } from '$lib/time-zone';
import type { Actions, PageServerLoad } from './$types';

const createForm = z.object({
  name: z.string().trim().min(1, 'Give the key a name').max(100),
  scopes: z.array(z.enum(['prompts:read', 'chat'])).min(1, 'Pick at least one scope'),
  // A date from the picker: the key works until the end of that day in the reader's zone, an
  // instant the browser works out (expires_at, set as the form is sent; its zone is one only it
  // knows for sure). Without scripts, the end of that day in UTC.
  expires: z.union([z.literal(''), z.iso.date('Pick a date')]),
  expires_at: z.union([z.literal(''), z.iso.datetime({ offset: true, message: 'Pick a date' })]),
});

/** The instant a key picked to expire on `day` stops working, or an error to show. */
function expiryOf(day: string, endOfDay: string): { at: string | null } | { error: string } {
  if (!day) return { at: null };
  const at = new Date(endOfDay || `${day}T23:59:59Z`);
  // Checked here so the API's own wording (expires_at: …) never shows.
  if (at.getTime() <= Date.now()) return { error: 'Pick today or a later day; an expired key would not work' };
  return { at: at.toISOString() };
}

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const { keys } = await ok(api.GET('/api/api-keys'));
    // An expired key is refused (401) though still listed: the list says so rather than showing it like a working one.
    const now = Date.now();
    // The first day the picker offers: today where the reader is (the browser corrects it once mounted).
    const today = localDay(new Date(now), knownTimeZone(event.cookies.get(TIME_ZONE_COOKIE)) ?? 'UTC');
    const shown = keys.map((key) => ({ ...key, expired: key.expires_at !== null && Date.parse(key.expires_at) <= now }));
    // The OpenAI-compatible gateway other apps call (the function `api`, its /v1 routes), at the
    // address browsers and apps reach, not the internal one this server may use.
    const gatewayUrl = `${publicEnv().PUBLIC_SUPABASE_URL}/functions/v1/api/v1`;
    return { today, gatewayUrl, keys: shown.filter((key) => !key.revoked_at), revoked: shown.filter((key) => key.revoked_at) };
  } catch (err) {
    loadFailed(err);
  }
};

export const actions: Actions = {
  create: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const input = createForm.safeParse({
      name: form.get('name') ?? '',
      scopes: form.getAll('scopes'),
      expires: form.get('expires') ?? '',
      expires_at: form.get('expires_at') ?? '',
    });
    if (!input.success) return fail(400, { error: input.error.issues[0].message });
    const expiry = expiryOf(input.data.expires, input.data.expires_at);
    if ('error' in expiry) return fail(400, { error: expiry.error });
    const expires_at = expiry.at;
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
