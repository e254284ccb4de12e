// A public prompt as a signed-out visitor reads it (GET /api/public/prompts/{id}, role anon),
// for its public page and for sending a signed-out visitor of /prompts/<id> there.
import { ApiError, createApi, ok, type PublicPrompt } from '$lib/api';
import { functionsBase } from '$lib/server/api';
import { publicEnv } from '$lib/server/env';

/** The prompt, or null when it is private or does not exist (the API does not tell them apart). */
export async function readPublicPrompt(fetch: typeof globalThis.fetch, id: string): Promise<PublicPrompt | null> {
  const anonymous = createApi(fetch, functionsBase(), { apikey: publicEnv().PUBLIC_SUPABASE_PUBLISHABLE_KEY });
  try {
    return await ok(anonymous.GET('/api/public/prompts/{id}', { params: { path: { id } } }));
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
    throw err;
  }
}
