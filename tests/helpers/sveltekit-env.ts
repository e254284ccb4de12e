// SvelteKit's `$env/dynamic/private` and `$env/dynamic/public` for unit tests of web modules
// that read settings (vitest.config.ts aliases both here). In the built app (adapter-node)
// they are the process's environment read at run time, split by the `PUBLIC_` prefix
// (https://svelte.dev/docs/kit/$env-dynamic-private); these read process.env the same way, when
// a module reads them, so a test sets process.env before importing (vi.resetModules for a new
// "process").
const split = (publicOnes: boolean) =>
  new Proxy({} as Record<string, string | undefined>, {
    get: (_, name) => (typeof name === 'string' && name.startsWith('PUBLIC_') === publicOnes ? process.env[name] : undefined),
  });

export const env = split(false);
export const publicEnv = split(true);
