/** The change source against a real database: ordering, raw values, replay after a failed dispatch, acknowledgements. */
import pg from 'pg';
import { LogicalReplicationService } from 'pg-logical-replication';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/helpers/database.ts';
import { ACK_INTERVAL_MS, startReplication, type CommittedTransaction, type ReplicationSource } from './replication.ts';

let db: TestDatabase;
let pool: pg.Pool;
let source: ReplicationSource | undefined;
const seen: CommittedTransaction[] = [];
let failNext = (tx: CommittedTransaction) => tx.changes.some((c) => c.record?.v === 'boom');
const waiters: (() => void)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql`create table public.replication_probe (id serial primary key, v text, at timestamptz default now(), n numeric)`;
  await db.sql`alter publication supabase_realtime add table public.replication_probe`;
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  source = await startReplication({
    databaseUrl: db.url,
    pool,
    publications: ['supabase_realtime'],
    async onTransaction(tx) {
      if (failNext(tx)) {
        failNext = () => false;
        throw new Error('simulated dispatch failure (database unreachable)');
      }
      seen.push(tx);
      for (const wake of waiters.splice(0)) wake();
    },
    onRelation: () => {},
    log: () => {},
  });
  await source.started;
});

afterAll(async () => {
  await source?.stop();
  await pool?.end();
  await db?.drop();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
}

const values = () => seen.flatMap((tx) => tx.changes.map((c) => c.record?.v ?? c.oldRecord?.id));

it('replays a transaction whose dispatch failed, once, and nothing before it', async () => {
  for (const v of ['a', 'boom', 'c']) await db.sql`insert into public.replication_probe (v, n) values (${v}, 1.50)`;
  await until(() => values().includes('c'));
  expect(values()).toEqual(['a', 'boom', 'c']);
  const change = seen[0].changes[0];
  expect(change).toMatchObject({ type: 'INSERT', relation: { schema: 'public', table: 'replication_probe' } });
  // Values stay Postgres text (numeric keeps its scale; timestamptz its microseconds, in UTC).
  expect(change.record?.n).toBe('1.50');
  expect(change.record?.at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
  expect(seen[0].commitTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

it('groups the changes of one transaction and carries the old row of a delete', async () => {
  const before = seen.length;
  await db.sql.begin(async (tx) => {
    await tx`insert into public.replication_probe (v) values ('t1')`;
    await tx`delete from public.replication_probe where v = 'a'`;
  });
  await until(() => seen.length > before);
  const tx = seen[before];
  expect(tx.changes.map((c) => c.type)).toEqual(['INSERT', 'DELETE']);
  expect(tx.changes[1].oldRecord).toHaveProperty('id'); // default replica identity: the key
});

it('tells the server what a burst of commits dispatched in a few status messages, not one per commit', async () => {
  const statusMessages = vi.spyOn(LogicalReplicationService.prototype, 'acknowledge');
  try {
    const before = seen.length;
    const [{ lsn }] = await db.sql<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
    // 20 commits in quick succession, as a burst of chat turns makes them.
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.sql`insert into public.replication_probe (v) values (${`burst ${i}`})`));
    await until(() => seen.length >= before + 20);
    await new Promise((resolve) => setTimeout(resolve, ACK_INTERVAL_MS * 3));
    expect(statusMessages.mock.calls.length).toBeGreaterThan(0);
    expect(statusMessages.mock.calls.length).toBeLessThan(6);
    // And the slot's confirmed position did move past the burst's start: nothing is held back.
    const [slot] = await db.sql<{ behind: boolean }[]>`
      select confirmed_flush_lsn < ${lsn}::pg_lsn as behind from pg_replication_slots where slot_name like 'mrprompt_realtime_%' and database = current_database()`;
    expect(slot?.behind).toBe(false);
  } finally {
    statusMessages.mockRestore();
  }
});
