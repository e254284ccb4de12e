/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The installable app's service worker (https://svelte.dev/docs/kit/service-workers): it
 * keeps the app shell — the built JavaScript and CSS and the static files (icons, manifest),
 * none of which hold anyone's data — so a reload without a network shows the app's frame and
 * an "offline" notice instead of the browser's error page. It never caches pages, /api
 * answers or anything else a user's data is in: those always go to the network.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `shell-${version}`;
const SHELL = new Set([...build, ...files.filter((file) => !file.endsWith('.map'))]);

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL])).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (SHELL.has(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
  } else if (request.mode === 'navigate') {
    // Pages are rendered per user: always from the network, the shell only when it fails.
    event.respondWith(fetch(request).catch(() => offlineShell(url)));
  }
});

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The app's frame with a notice, built from cached assets only (no user data). The browser
 * online yet no answer means the server (or the way to it) is down: saying "offline" then
 * would send people to check a Wi-Fi that works.
 */
function offlineShell(url: URL): Response {
  const [headline, detail] = sw.navigator.onLine
    ? ['Mr.Prompt can’t be reached right now.', 'Your connection works, but the Mr.Prompt server is not answering. Nothing is lost: your chats and prompts are on the server. Try again in a moment.']
    : ['You are offline.', 'Mr.Prompt needs a connection to show your chats and prompts. Nothing is lost: they are on the server.'];
  const styles = build.filter((file) => file.endsWith('.css')).map((file) => `<link rel="stylesheet" href="${esc(file)}" />`).join('');
  const links = [['/chat', 'Chat'], ['/prompts', 'Prompts'], ['/projects', 'Projects'], ['/playground', 'Playground'], ['/usage', 'Usage'], ['/settings', 'Settings']]
    .map(([href, label]) => `<a href="${href}" class="rounded px-2 py-1 text-zinc-300 hover:bg-zinc-800 hover:text-zinc-50">${label}</a>`)
    .join('');
  const html = `<!doctype html>
<html lang="en" class="system" data-offline="true">
<head>
  <meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="color-scheme" content="dark light" />
  <title>${sw.navigator.onLine ? 'Can’t reach' : 'Offline'} · Mr.Prompt</title>
  <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" /><link rel="manifest" href="/manifest.webmanifest" />
  ${styles}
</head>
<body class="bg-zinc-950 text-zinc-100">
  <div class="flex h-dvh flex-col">
    <header class="border-b border-zinc-800 bg-zinc-900">
      <nav aria-label="Main" class="flex flex-wrap items-center gap-1 px-3 py-2 text-sm">
        <a href="/chat" class="mr-3 font-semibold text-zinc-50">Mr.Prompt</a>${links}
      </nav>
    </header>
    <main class="mx-auto mt-16 max-w-md px-4 text-center">
      <div role="status" data-testid="offline" class="rounded-lg border border-amber-800 bg-amber-950 px-4 py-3 text-amber-100">
        <p class="font-semibold">${headline}</p>
        <p class="mt-1 text-sm">${detail}</p>
      </div>
      <p class="mt-4"><a class="btn-primary" href="${esc(url.pathname + url.search)}">Try again</a></p>
    </main>
  </div>
</body>
</html>`;
  return new Response(html, {
    status: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // No script at all on this page; styles, their fonts and images from this site only (the
      // built CSS declares KaTeX's fonts, which the worker keeps too, and inlines the smallest
      // as data: URLs, as the app's own policy allows).
      'content-security-policy': "default-src 'none'; style-src 'self'; font-src 'self' data:; img-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}
