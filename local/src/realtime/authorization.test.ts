/**
 * A channel's authorisation check whose server connection dies mid-check (a Postgres restart);
 * the service role's read check, which needs no probe.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/helpers/database.ts';
import { authorizeRead, inRolledBackTransaction, isPolicyError } from './authorization.ts';

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

it('counts what a policy raised as a refusal, and a database that could not answer then as no answer', () => {
  // A policy's own error, a permission it lacks, a bad cast in it: a refusal, as hosted.
  for (const code of ['P0001', '42501', '22P02', '42883']) expect(isPolicyError({ code })).toBe(true);
  // Lost connection, deadlock, serialization failure, too many connections, lock or statement
  // timeout, shutdown, I/O: asked again later, a joined channel stays open.
  for (const code of ['08006', '40P01', '40001', '53300', '55P03', '57014', '57P01', '58030']) expect(isPolicyError({ code })).toBe(false);
  expect(isPolicyError(new Error('socket hang up'))).toBe(false);
});

it("reads the service role's private channels without a probe transaction, and still probes for a signed-in user", async () => {
  const topic = `session:${randomUUID()}`;
  const service = { topic, role: 'service_role', claims: { role: 'service_role' } };
  expect(await authorizeRead(pool, service, ['broadcast', 'presence'])).toEqual({ broadcast: true, presence: true });
  // The role's standing is cached: the next join of the api function checks out no connection
  // (it was a begin, two statements of probe, the claims, the select and a rollback per join).
  const connect = vi.spyOn(pool, 'connect');
  try {
    expect(await authorizeRead(pool, { ...service, topic: `session:${randomUUID()}` }, ['broadcast'])).toEqual({ broadcast: true });
    expect(connect).not.toHaveBeenCalled();
    // A user who is no participant of the session: the policies decide, as before.
    const stranger = { topic, role: 'authenticated', claims: { role: 'authenticated', sub: randomUUID() } };
    expect(await authorizeRead(pool, stranger, ['broadcast', 'presence'])).toEqual({ broadcast: false, presence: false });
    expect(connect).toHaveBeenCalled();
  } finally {
    connect.mockRestore();
  }
});
