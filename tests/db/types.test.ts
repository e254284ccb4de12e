// The checked-in database types must match what `supabase gen types` prints for the migrated
// schema; when a migration changes public, run `npm run db:types` and commit the result.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TYPES_FILE, renderDatabaseTypes } from '../../local/src/db/types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
// A clone of the template, so generating never holds a connection to the template itself
// while other files clone it.
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

describe('generated database types', () => {
  it('are up to date with the migrations (run `npm run db:types` if not)', async () => {
    const generated = await renderDatabaseTypes(db.url);
    const checkedIn = await fs.readFile(DATABASE_TYPES_FILE, 'utf8');
    expect(checkedIn, 'supabase/functions/_shared/database.types.ts is stale: run `npm run db:types`').toBe(generated);
  }, 60_000);

  it('describe every public table with the columns other code relies on', async () => {
    const checkedIn = await fs.readFile(DATABASE_TYPES_FILE, 'utf8');
    for (const table of ['profiles', 'api_credentials', 'projects', 'chat_sessions', 'messages', 'prompts',
      'prompt_versions', 'prompt_labels', 'prompt_usage_logs']) {
      expect(checkedIn).toContain(`"${table}": {`);
    }
  });
});
