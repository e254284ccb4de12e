/** A channel's authorisation check whose server connection dies mid-check (a Postgres restart). */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/helpers/database.ts';
import { inRolledBackTransaction } from './authorization.ts';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {}); // as local/src/realtime/index.ts: an idle client lost its server
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

it('a connection terminated mid-check fails that check only: no uncaught error, the pool goes on', async () => {
  const check = inRolledBackTransaction(pool, async (client) => {
    const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
    // The server ends this backend (as a shutdown does, 57P01) while the check holds it.
    await db.sql`select pg_terminate_backend(${pid})`;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (await client.query('select 1 as one')).rows;
  });
  await expect(check).rejects.toThrow();
  // The broken client was not put back: the next check gets a working connection.
  expect(await inRolledBackTransaction(pool, async (client) => (await client.query('select 1 as one')).rows)).toEqual([{ one: 1 }]);
});
