// Maps a path under the web app's /api/ to the API function's URL, and refuses anything
// that could steer the proxied request (with the user's token) elsewhere on the Supabase
// host: dot segments in any spelling, encoded slashes or backslashes, and any result that
// does not stay under /functions/v1/api/.

/** The upstream URL for `/api/<rest>` (rest still percent-encoded), or null to refuse. */
export function apiTarget(base: string, requestUrl: URL): URL | null {
  const prefix = '/api/';
  if (!requestUrl.pathname.startsWith(prefix)) return null;
  const rest = requestUrl.pathname.slice(prefix.length);
  if (/%2f|%5c|\\/i.test(rest)) return null;
  for (const segment of rest.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (decoded === '.' || decoded === '..') return null;
  }
  const root = new URL(`${base.replace(/\/+$/, '')}/`);
  const target = new URL(`${rest}${requestUrl.search}`, root);
  if (target.origin !== root.origin || !target.pathname.startsWith(root.pathname)) return null;
  return target;
}
