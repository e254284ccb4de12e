import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One run for every suite: unit tests beside the code, database tests, contract tests against
// the local stack, API tests and browser journeys. A single embedded Postgres is started once
// (tests/setup/global-database.ts); each test file clones its own database from a migrated
// template, so files never share mutable state. The functions' bundles are built once up front
// (tests/setup/global-functions.ts).
export default defineConfig({
  // The web app's `$lib` (SvelteKit's alias), for unit tests of modules that import through it,
  // and its run-time settings modules, read from process.env as adapter-node does
  // (tests/helpers/sveltekit-env.ts).
  resolve: {
    alias: {
      $lib: fileURLToPath(new URL('./web/src/lib', import.meta.url)),
      '$env/dynamic/private': fileURLToPath(new URL('./tests/helpers/sveltekit-env.ts', import.meta.url)),
      '$env/dynamic/public': fileURLToPath(new URL('./tests/helpers/sveltekit-env-public.ts', import.meta.url)),
    },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/.svelte-kit/**', 'web/build/**', '.mrprompt/**'],
    globalSetup: ['tests/setup/global-database.ts', 'tests/setup/global-functions.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // expect.poll waits for something that will happen (a deletion the page asked for in the
    // background, a list that loads): its default of 1 s is less than one round trip can take while
    // the whole suite runs on 2 cores — a clean `npm test` failed a keepalive DELETE's check that way
    // (tests/e2e/attachments.test.ts; alone it passed 3 of 3). A poll that cannot succeed still fails.
    expect: { poll: { timeout: 10_000 } },
  },
});
