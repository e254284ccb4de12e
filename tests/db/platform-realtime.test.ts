// The `realtime` schema hosted Supabase creates in every project (local/src/db/bootstrap-realtime.sql):
// realtime.messages with RLS, realtime.topic(), realtime.send(), realtime.broadcast_changes().
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const USER = '00000000-0000-0000-0000-00000000000a';
const claims = JSON.stringify({ sub: USER, role: 'authenticated' });

/** Runs `fn` inside a transaction that is always rolled back. */
async function rolledBack<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  let result!: T;
  await db.sql.begin(async (tx) => {
    result = await fn(tx);
    throw new Error('rollback');
  }).catch((error: unknown) => { if (!(error instanceof Error) || error.message !== 'rollback') throw error; });
  return result;
}

describe('realtime platform schema', () => {
  it('has realtime.messages as hosted: columns, partitioned, RLS on, owned by supabase_realtime_admin', async () => {
    const columns = await db.sql`select column_name, data_type from information_schema.columns
      where table_schema = 'realtime' and table_name = 'messages' order by ordinal_position`;
    expect(columns.map((c) => c.column_name)).toEqual(
      ['topic', 'extension', 'payload', 'event', 'private', 'updated_at', 'inserted_at', 'id', 'binary_payload'],
    );
    const [table] = await db.sql`select c.relkind, c.relrowsecurity, pg_get_userbyid(c.relowner) as owner
      from pg_class c where c.oid = 'realtime.messages'::regclass`;
    expect(table).toEqual({ relkind: 'p', relrowsecurity: true, owner: 'supabase_realtime_admin' });
    const [today] = await db.sql`select to_regclass('realtime.messages_' || to_char(now(), 'YYYY_MM_DD')) is not null as ok`;
    expect(today.ok).toBe(true);
  });

  it('grants select/insert/update to the API roles, no delete', async () => {
    const rows = await db.sql`select r as role,
        has_table_privilege(r, 'realtime.messages', 'select') as s,
        has_table_privilege(r, 'realtime.messages', 'insert') as i,
        has_table_privilege(r, 'realtime.messages', 'delete') as d
      from unnest(array['anon', 'authenticated', 'service_role']) r`;
    for (const row of rows) expect([row.s, row.i, row.d]).toEqual([true, true, false]);
  });

  it('realtime.topic() reads the realtime.topic setting', async () => {
    const [row] = await rolledBack(async (tx) => {
      await tx`select set_config('realtime.topic', 'session:abc', true)`;
      return await tx`select realtime.topic() as topic`;
    });
    expect(row.topic).toBe('session:abc');
    const [unset] = await db.sql`select realtime.topic() as topic`;
    expect(unset.topic).toBeNull();
  });

  it('without policies an authenticated user reads and writes nothing; realtime.send() warns instead of failing', async () => {
    const result = await rolledBack(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      await tx`set local role authenticated`;
      await tx`select realtime.send('{"x":1}'::jsonb, 'ev', 'session:1', true)`;
      await tx`reset role`;
      return await tx`select count(*)::int as n from realtime.messages`;
    });
    expect(result[0].n).toBe(0);
  });

  it('realtime.send() inserts through the caller’s RLS insert policy, with topic() set for the check', async () => {
    const rows = await rolledBack(async (tx) => {
      await tx.unsafe(`create policy probe on realtime.messages for insert to authenticated
        with check (realtime.topic() = 'session:' || (select auth.uid())::text)`);
      await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      await tx`set local role authenticated`;
      await tx`select realtime.send('{"x":1}'::jsonb, 'ev', ${'session:' + USER}, true)`;
      await tx`select realtime.send('{"x":2}'::jsonb, 'ev', 'session:someone-else', true)`;
      await tx`reset role`;
      return await tx`select topic, event, extension, private, payload from realtime.messages`;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: `session:${USER}`, event: 'ev', extension: 'broadcast', private: true });
    expect(rows[0].payload).toMatchObject({ x: 1 });
    expect(typeof rows[0].payload.id).toBe('string'); // send() adds the message id, as hosted
  });

  it('realtime.broadcast_changes() sends the row change as a broadcast message', async () => {
    const rows = await rolledBack(async (tx) => {
      await tx.unsafe(`create table public.rt_probe (id int primary key, note text)`);
      await tx.unsafe(`create function public.rt_probe_changed() returns trigger language plpgsql as $$
        begin perform realtime.broadcast_changes('probe:' || new.id, tg_op, tg_op, tg_table_name, tg_table_schema, new, old); return null; end $$`);
      await tx.unsafe(`create trigger rt_probe_changed after insert on public.rt_probe for each row execute function public.rt_probe_changed()`);
      await tx`insert into public.rt_probe values (7, 'hi')`;
      return await tx`select topic, event, payload from realtime.messages`;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: 'probe:7', event: 'INSERT' });
    expect(rows[0].payload).toMatchObject({ operation: 'INSERT', table: 'rt_probe', schema: 'public', record: { id: 7, note: 'hi' }, old_record: null });
  });
});
