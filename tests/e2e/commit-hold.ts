// Holding a write where Realtime already sees it and reads do not yet: its commit record is in
// the WAL (the replication stream decodes it and Realtime sends its row changes and database
// broadcasts), but the committing backend has not left the proc array, so other sessions'
// snapshots still show the rows as they were. Postgres always passes through that moment
// (RecordTransactionCommit flushes, then CommitTransaction calls ProcArrayEndTransaction); a
// busy machine can keep a backend there for seconds. Synchronous replication waits exactly
// there: "the transaction will wait until ... the commit record has been received by the
// standby ... not visible to other sessions until" it is
// (https://www.postgresql.org/docs/17/warm-standby.html#SYNCHRONOUS-REPLICATION), and a
// standby that never connects keeps it waiting until the setting is taken back.
//
// Only the writes a trigger in the test's own database picks wait: every other transaction of
// the server commits with `synchronous_commit = local` meanwhile, which without a standby is
// what `on` does (https://www.postgresql.org/docs/17/runtime-config-wal.html#GUC-SYNCHRONOUS-COMMIT).
import { expect } from 'vitest';
import postgres from 'postgres';

export interface CommitHold {
  /** Lets the held commits finish (and become visible); takes the settings and trigger back. */
  release(): Promise<void>;
}

/**
 * From now on, a write to `table` whose `column` changes is held between its commit record and
 * its visibility (`databaseUrl`: the test's database, as a superuser). Resolves once the
 * server holds commits (a probe transaction is seen waiting).
 */
export async function holdCommits(databaseUrl: string, table: string, column: string): Promise<CommitHold> {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const reserved = await sql.reserve();
  const probe = await sql.reserve();
  let probeDone: Promise<unknown> = Promise.resolve();
  const release = async () => {
    await reserved.unsafe('alter system reset synchronous_standby_names');
    await reserved.unsafe('select pg_reload_conf()');
    await probeDone.catch(() => {});
    await reserved.unsafe('alter system reset synchronous_commit');
    await reserved.unsafe('select pg_reload_conf()');
    await reserved.unsafe(`drop trigger if exists test_hold_commit on ${table}`);
    await reserved.unsafe('drop function if exists public.test_hold_commit()');
    reserved.release();
    probe.release();
    await sql.end();
  };
  try {
    await reserved.unsafe(`
      create or replace function public.test_hold_commit() returns trigger language plpgsql as $$
      begin
        perform set_config('synchronous_commit', 'on', true);
        return null;
      end $$`);
    await reserved.unsafe(`
      create trigger test_hold_commit after update of ${column} on ${table}
        for each row when (old.${column} is distinct from new.${column}) execute function public.test_hold_commit()`);
    await reserved.unsafe(`alter system set synchronous_commit = 'local'`);
    await reserved.unsafe('select pg_reload_conf()');
    await reserved.unsafe(`alter system set synchronous_standby_names = 'mrprompt_test_never_connects'`);
    await reserved.unsafe('select pg_reload_conf()');
    // The checkpointer takes the new standby list in its own time: a probe write that waits
    // says it has.
    const [{ pid }] = await probe<{ pid: number }[]>`select pg_backend_pid() as pid`;
    // (It must write: a commit with no other WAL does not wait for a standby.)
    // (postgres.js sends a query once it is awaited or `then` is called.)
    probeDone = probe.unsafe(`begin; select set_config('synchronous_commit', 'on', true); create temp table test_hold_probe (x int); commit`).then(() => undefined);
    await expect
      .poll(async () => (await reserved<{ waiting: boolean }[]>`select wait_event = 'SyncRep' as waiting from pg_stat_activity where pid = ${pid}`)[0]?.waiting, {
        timeout: 30_000,
      })
      .toBe(true);
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  return { release };
}
