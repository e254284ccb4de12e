/**
 * The change source when its stream dies while a transaction is still being dispatched (the
 * walsender ended, the replication connection lost): the stream that takes over replays from
 * the last acknowledged commit, and must wait for that dispatch to end instead of running its
 * own beside it — the same transaction would go out twice, and the ones after it before it.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/helpers/database.ts';
import { startReplication, type ReplicationSource } from './replication.ts';

let db: TestDatabase;
let pool: pg.Pool;
let source: ReplicationSource | undefined;
const dispatched: string[] = [];
let inFlight = 0;
let mostAtOnce = 0;
let holdSlow: Promise<void> | null = null;
let releaseSlow = () => {};
let slowStarted = () => {};
const slowEntered = new Promise<void>((resolve) => (slowStarted = resolve));
const waiters: (() => void)[] = [];
const lines: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql`create table public.restart_probe (id serial primary key, v text)`;
  await db.sql`alter publication supabase_realtime add table public.restart_probe`;
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  holdSlow = new Promise<void>((resolve) => (releaseSlow = resolve));
  source = await startReplication({
    databaseUrl: db.url,
    pool,
    publications: ['supabase_realtime'],
    async onTransaction(tx) {
      inFlight++;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      try {
        const values = tx.changes.map((c) => c.record?.v ?? '');
        if (values.includes('slow')) {
          slowStarted();
          await holdSlow;
        }
        dispatched.push(...values);
        for (const wake of waiters.splice(0)) wake();
      } finally {
        inFlight--;
      }
    },
    onRelation: () => {},
    log: (line) => lines.push(line),
  });
  await source.started;
});

afterAll(async () => {
  releaseSlow();
  await source?.stop();
  await pool?.end();
  await db?.drop();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
}

it('a stream that dies mid-dispatch is replaced by one that waits for it: each transaction once, in commit order', async () => {
  await db.sql`insert into public.restart_probe (v) values ('slow')`;
  await slowEntered;
  // The walsender goes away while 'slow' is being dispatched (not yet acknowledged).
  await db.sql`select pg_terminate_backend(active_pid) from pg_replication_slots
                where database = current_database() and slot_name like 'mrprompt_realtime_%' and active_pid is not null`;
  await db.sql`insert into public.restart_probe (v) values ('after')`;
  // The new stream is running again (it has said so in the log) before the dispatch ends.
  await expect.poll(() => lines.some((line) => line.includes('replication stream failed')), { timeout: 10_000 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  releaseSlow();
  await until(() => dispatched.includes('after'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(dispatched).toEqual(['slow', 'after']);
  expect(mostAtOnce).toBe(1);
});
