// A public prompt as a signed-out visitor reads it (GET /api/public/prompts/{id}, role anon),
// for its public page, where a signed-out visitor of /prompts/<id> is sent.
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

// /prompts/<id> sends a signed-out visitor to /p/<id> unread: if the prompt is not public there,
// it may be the visitor's own, so /p asks them to sign in (as the library address always did)
// instead of answering 404.
const FROM = 'from';
const LIBRARY = 'library';

/** The public page of prompt `id`, for a signed-out visitor of its library address. */
export function publicPageFromLibrary(id: string): string {
  return `/p/${id}?${FROM}=${LIBRARY}`;
}

/** True when the public page was opened through the prompt's library address. */
export function cameFromLibrary(url: URL): boolean {
  return url.searchParams.get(FROM) === LIBRARY;
}
