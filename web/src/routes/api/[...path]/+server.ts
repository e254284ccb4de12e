// Same-origin proxy from the browser to the API function. The browser never handles CORS
// or tokens for API calls; this adds the verified session's bearer token and streams the
// answer (SSE included) straight back. A browser disconnect aborts the upstream call; for a
// chat turn that only closes the view (stopping is POST /chat/{id}/stop).
import type { RequestHandler } from './$types';
import { apiBase, apiHeaders, endLocalSession, isSessionEnded } from '$lib/server/api';
import { apiTarget } from '$lib/server/api-path';

// The function's own Content-Security-Policy comes along: /api/docs is an HTML page on this
// origin (with the session's cookies) that runs a pinned third-party script, allowed there and
// nothing else. An HTML answer that brings no policy gets one that runs nothing at all.
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'retry-after', 'x-request-id', 'content-security-policy', 'x-frame-options'];
const HTML_WITHOUT_POLICY_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

export const fallback: RequestHandler = async ({ request, url, locals, cookies }) => {
  // Built from the raw (still encoded) path: SvelteKit's decoded params would turn
  // `..%2F` into a real `../` that leaves /functions/v1/api/ for /auth/v1 and the like.
  const target = apiTarget(apiBase(), url);
  if (!target) return jsonError(400, 'invalid_path', 'This API path is not allowed');
  // Cookies are SameSite=Lax, but refuse cross-site writes outright anyway.
  if (request.method !== 'GET' && request.headers.get('origin') !== url.origin) {
    return jsonError(403, 'forbidden', 'Cross-site request refused');
  }
  const { session } = await locals.safeGetSession();
  if (!session) return jsonError(401, 'unauthorized', 'Please sign in again');

  const headers = new Headers(apiHeaders(session.access_token));
  const contentType = request.headers.get('content-type');
  if (contentType) headers.set('content-type', contentType);
  for (const name of ['accept', 'last-event-id']) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }

  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      signal: request.signal,
    });
  } catch (err) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return jsonError(502, 'api_unreachable', 'The API could not be reached. Try again in a moment.');
  }

  // Signed out on another device: this browser's cookies go too, so its next page asks to sign in.
  if (await isSessionEnded(upstream)) await endLocalSession(locals, cookies);

  const out = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  // Every answer is one user's data: stored by no cache, whatever the function said; a stream
  // keeps `no-transform` so proxies neither compress nor buffer it.
  const noTransform = /no-transform/.test(upstream.headers.get('cache-control') ?? '');
  out.set('cache-control', `private, no-store${noTransform ? ', no-transform' : ''}`);
  if (out.get('content-type')?.startsWith('text/event-stream')) out.set('x-accel-buffering', 'no');
  if (/^\s*(text\/html|application\/xhtml|image\/svg)/i.test(out.get('content-type') ?? '') && !out.has('content-security-policy')) {
    out.set('content-security-policy', HTML_WITHOUT_POLICY_CSP);
  }
  return new Response(upstream.body, { status: upstream.status, headers: out });
};
