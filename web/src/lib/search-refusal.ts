// Why a prompt search (the library's, the playground's picker) got no answer, in words for the
// page that asked, or null when the failure is not the search's own. The API bounds a search in
// the database (503 `search_timeout`, after 2 s) and draws each from the caller's `heavy` bucket
// (429 `rate_limited` with Retry-After): either is a refusal of this search, not of the page, so
// the page stays with its search box and whatever else it shows instead of an error page.
import { ApiError } from '$lib/api';

export function searchRefusal(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 503 && err.code === 'search_timeout') return 'This search took too long. Try more specific words.';
  if (err.status === 429 && err.code === 'rate_limited') {
    const wait = Number(err.details.retry_after_seconds);
    return Number.isFinite(wait) && wait > 0
      ? `Too many searches just now. Try again in ${Math.ceil(wait)} s.`
      : 'Too many searches just now. Try again in a moment.';
  }
  return null;
}
