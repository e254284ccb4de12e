import { defineConfig } from 'vitest/config';

// One run for every suite: unit tests beside the code, database tests, contract tests against
// the local stack, API tests and browser journeys. A single embedded Postgres is started once
// (tests/setup/global-database.ts); each test file clones its own database from a migrated
// template, so files never share mutable state. The functions' bundles are built once up front
// (tests/setup/global-functions.ts).
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/.svelte-kit/**', 'web/build/**', '.mrprompt/**'],
    globalSetup: ['tests/setup/global-database.ts', 'tests/setup/global-functions.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
