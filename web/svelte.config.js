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
  },
};
