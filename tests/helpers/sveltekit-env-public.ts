// `$env/dynamic/public` for unit tests: see sveltekit-env.ts.
export { publicEnv as env } from './sveltekit-env.ts';
