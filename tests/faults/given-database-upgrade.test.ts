/**
 * DATABASE_URL=… npm start after an update that changed the platform bootstrap (local/src/db/
 * bootstrap*.sql) but brought no new migration. Every start re-applied the bootstrap to the
 * embedded database, never to the operator's own: there, a platform table added since (here
 * auth.flow_state, which password recovery and single sign-on use) stayed missing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeys } from '../../local/src/keys/index.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack } from '../../local/src/stack.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { NO_FUNCTIONS } from '../helpers/stack.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

it("brings the operator's database up to the platform bootstrap of this version on start", async () => {
  // A database bootstrapped before bootstrap-auth-flows.sql existed.
  await db.sql`drop table auth.mfa_challenges, auth.mfa_factors, auth.flow_state cascade`;
  const stack = await startStack({
    databaseUrl: db.url, refreshPlatform: true, apiPort: await getFreePort(), webPort: false,
    keys: await generateKeys(), functionsDir: NO_FUNCTIONS, log: () => {},
  });
  await stack.stop();
  const [row] = await db.sql<{ present: boolean }[]>`select to_regclass('auth.flow_state') is not null as present`;
  expect(row!.present).toBe(true);
}, 60_000);
