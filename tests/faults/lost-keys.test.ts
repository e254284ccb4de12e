/**
 * keys.json lost (a backup of the database without it, a cleaned folder) while the database
 * still holds provider keys encrypted with it. A start used to make new keys without a word:
 * the stack came up, and every stored key answered `credential_unreadable` from then on. Now the
 * start refuses and says to restore keys.json, unless the operator asks for new keys.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack, type StackOptions } from '../../local/src/stack.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { NO_FUNCTIONS } from '../helpers/stack.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

/** A migrated database of its own and an empty data folder. */
async function fresh(): Promise<{ db: TestDatabase; dataDir: string; options(): Promise<StackOptions> }> {
  const db = await createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-lost-keys-'));
  cleanup.push(() => db.drop(), () => fs.rm(dataDir, { recursive: true, force: true }));
  const options = async (): Promise<StackOptions> =>
    ({ databaseUrl: db.url, dataDir, apiPort: await getFreePort(), webPort: false, functionsDir: NO_FUNCTIONS, log: () => {} });
  return { db, dataDir, options };
}

const outcome = (options: StackOptions) =>
  startStack(options).then(async (stack) => (await stack.stop(), 'started'), (error: unknown) => String(error));

it('makes keys on a first start, when the database holds no provider keys', async () => {
  const { dataDir, options } = await fresh();
  const stack = await startStack(await options());
  await stack.stop();
  expect(JSON.parse(await fs.readFile(path.join(dataDir, 'keys.json'), 'utf8')).publishableKey).toBe(stack.keys.publishableKey);
});

it('refuses to replace a lost keys.json while stored provider keys need it, and says what to do', async () => {
  const { db, dataDir, options } = await fresh();
  const user = await createAuthUser(db.sql);
  await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint)
    values (${user.id}, 'openai', 'v1.bm9uY2U.Y2lwaGVydGV4dA', '…abcd')`;

  const refused = await outcome(await options());
  expect(refused).toContain('keys.json is missing, but the database holds 1 provider API key encrypted with the key it held');
  expect(refused).toContain('Restore keys.json from your backup');
  expect(refused).toContain('npm start -- --new-keys');
  await expect(fs.stat(path.join(dataDir, 'keys.json'))).rejects.toMatchObject({ code: 'ENOENT' });

  // The operator's explicit choice once the file is lost for good.
  const stack = await startStack({ ...(await options()), newKeys: true });
  await stack.stop();
  expect((await fs.stat(path.join(dataDir, 'keys.json'))).mode & 0o777).toBe(0o600);
}, 60_000);

it('says a damaged keys.json is to be restored, not just deleted', async () => {
  const { dataDir, options } = await fresh();
  await fs.writeFile(path.join(dataDir, 'keys.json'), '{"broken');
  const refused = await outcome(await options());
  expect(refused).toMatch(/keys\.json is unreadable or damaged: restore it from your backup/);
});
