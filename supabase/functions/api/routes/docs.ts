/**
 * GET /api/docs: a small HTML page rendering /api/openapi.json with Scalar's API reference,
 * loaded from a CDN pinned to one version and one file: the Subresource Integrity hash
 * makes the browser refuse any other bytes, and the page's CSP runs no inline script.
 * Hosted Supabase serves function HTML as text/plain, so there the JSON document is the
 * thing to use; locally and behind any other host the page renders.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../lib/context.ts';

const SCALAR = 'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.34.6/dist/browser/standalone.js';
// sha384 of package/dist/browser/standalone.js in the npm tarball of @scalar/api-reference@1.34.6
// (jsDelivr serves npm files byte for byte): `npm pack @scalar/api-reference@1.34.6`, then
// `openssl dgst -sha384 -binary package/dist/browser/standalone.js | base64`.
export const SCALAR_INTEGRITY = 'sha384-AkiCDkScg70cU0JBthLDRtf/5St3KVuE4jD5L7qnhwnAmL2ugLQzRPFxqc/LT6kA';

export const docsRoutes = new Hono<AppEnv>().get('/', (c) => {
  // Relative to this page, so it works under /api and under /functions/v1/api alike.
  const spec = './openapi.json';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mr.Prompt API</title>
</head>
<body>
<noscript>The interactive reference needs JavaScript; the raw document is at <a href="${spec}">openapi.json</a>.</noscript>
<script id="api-reference" type="application/json" data-url="${spec}"></script>
<script src="${SCALAR}" integrity="${SCALAR_INTEGRITY}" crossorigin="anonymous"></script>
</body>
</html>`;
  return c.html(html, 200, {
    'content-security-policy': `default-src 'none'; script-src '${SCALAR_INTEGRITY}' https://cdn.jsdelivr.net; style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; font-src https://fonts.gstatic.com https://cdn.jsdelivr.net data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
});
