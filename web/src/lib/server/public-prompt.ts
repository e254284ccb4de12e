// A public prompt as a signed-out visitor reads it (GET /api/public/prompts/{id}, role anon),
// for its public page and for sending a signed-out visitor of /prompts/<id> there.
import { ApiError, ok, type PublicPrompt } from '$lib/api';
import { refuseIfRateLimited, visitorApi, type VisitorEvent } from '$lib/server/visitor-api';

/** The prompt, or null when it is private or does not exist (the API does not tell them apart). */
export async function readPublicPrompt(event: VisitorEvent, id: string): Promise<PublicPrompt | null> {
  try {
    return await ok(visitorApi(event).GET('/api/public/prompts/{id}', { params: { path: { id } } }));
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
    refuseIfRateLimited(err);
    throw err;
  }
}
