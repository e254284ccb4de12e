/**
 * GET /api/docs: a small HTML page rendering /api/openapi.json with Scalar's API reference
 * (loaded from a CDN, pinned). Hosted Supabase serves function HTML as text/plain, so there
 * the JSON document is the thing to use; locally and behind any other host the page renders.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../lib/context.ts';

const SCALAR = 'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.34.6/dist/browser/standalone.js';

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
<script id="api-reference" data-url="${spec}"></script>
<script src="${SCALAR}" crossorigin="anonymous"></script>
</body>
</html>`;
  return c.html(html, 200, {
    'content-security-policy': "default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; font-src https://fonts.gstatic.com https://cdn.jsdelivr.net data:; img-src 'self' data: https:; connect-src 'self'",
  });
});
