// SvelteKit configuration: adapter-node so `node web/build` serves the app on any Node host.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
    // Only same-origin form posts; the API proxy also checks Origin for fetches.
    csrf: { trustedOrigins: [] },
    // Content-Security-Policy on every page (https://svelte.dev/docs/kit/configuration#csp):
    // SvelteKit adds a nonce or hash for its own inline start-up script, so no other script
    // runs; images only from this site (model output can't beacon chat content out through
    // an <img>); no framing. hooks.server.ts adds the Supabase origin to connect-src at run
    // time (Realtime's WebSocket), since the URL is only known then.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        // blob: — local previews of files the user picked (URL.createObjectURL), never remote.
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        // The installable app: its manifest and the service worker (src/service-worker.ts),
        // both served by this site.
        'manifest-src': ['self'],
        'worker-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
