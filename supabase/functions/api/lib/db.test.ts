// withUserTransaction really runs as the caller: role authenticated, auth.uid() = the user,
// settings scoped to the transaction; the privileged helpers filter by the given user id.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthUser } from '../../../../tests/helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/database.ts';
import { createDb, type Db } from './db.ts';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, { max: 1 });
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

it('assumes the caller inside the transaction only', async () => {
  const user = await createAuthUser(database.sql);
  const inside = await db.withUserTransaction({ id: user.id, email: user.email, claims: { sub: user.id } }, async (sql) => {
    const [row] = await sql<{ role: string; uid: string }[]>`select current_user as role, auth.uid()::text as uid`;
    return row;
  });
  expect(inside).toEqual({ role: 'authenticated', uid: user.id });
  // The same pooled connection is back to the owner afterwards.
  const [after] = await db.sql<{ role: string; claims: string | null }[]>`
    select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
  expect(after).toEqual({ role: 'postgres', claims: null });
});

it('assumes the caller for statements issued together with the settings (pipelined)', async () => {
  const user = await createAuthUser(database.sql);
  const rows = await db.withUserTransaction({ id: user.id, email: user.email, claims: { sub: user.id } }, (sql) =>
    Promise.all([sql<{ uid: string }[]>`select auth.uid()::text as uid`, sql<{ role: string }[]>`select current_user as role`]));
  expect(rows.map((r) => r[0])).toEqual([{ uid: user.id }, { role: 'authenticated' }]);
  // A failing statement still rolls the whole transaction back and reaches the caller.
  await expect(db.withUserTransaction({ id: user.id, email: user.email, claims: { sub: user.id } }, (sql) => sql`select 1/0`)).rejects.toThrow(/division by zero/);
  const [anon] = await db.withAnonTransaction((sql) => sql<{ role: string }[]>`select current_user as role`);
  expect(anon).toEqual({ role: 'anon' });
});

it('readAsUser reads as the caller in a transaction and gives the connection back, also after a failure', async () => {
  const user = await createAuthUser(database.sql);
  const asUser = { id: user.id, email: user.email, claims: { sub: user.id } };
  const row = await db.readAsUser(asUser, async (sql) => {
    const [r] = await sql<{ uid: string; role: string }[]>`select auth.uid()::text as uid, current_user as role`;
    return r;
  });
  // The transaction-local settings of the statement before are seen: one transaction.
  expect(row).toEqual({ uid: user.id, role: 'authenticated' });
  await expect(db.readAsUser(asUser, (sql) => sql`select 1/0`)).rejects.toThrow(/division by zero/);
  // Read only: a write inside is refused by the database.
  await expect(db.readAsUser(asUser, (sql) => sql`insert into public.chat_sessions (user_id) values (${user.id})`)).rejects.toThrow(/read-only transaction/);
  // The pool has one connection: it came back, as the owner, with no transaction open.
  const [after] = await db.sql<{ role: string; claims: string | null }[]>`
    select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
  expect(after).toEqual({ role: 'postgres', claims: null });
});

it('cannot read encrypted keys as the caller, only through the named helper', async () => {
  const alice = await createAuthUser(database.sql);
  const bob = await createAuthUser(database.sql);
  await database.sql`insert into public.api_credentials (user_id, provider, encrypted_key) values (${alice.id}, 'openai', 'v1.ciphertext')`;
  const asAlice = { id: alice.id, email: alice.email, claims: { sub: alice.id } };
  await expect(db.withUserTransaction(asAlice, (sql) => sql`select encrypted_key from public.api_credentials`)).rejects.toThrow(/permission denied/);
  expect(await db.readCredentialCiphertext(alice.id, 'openai')).toEqual({ encrypted_key: 'v1.ciphertext', base_url: null });
  expect(await db.readCredentialCiphertext(bob.id, 'openai')).toBeNull();
});

it('takes tokens from a per-user bucket', async () => {
  const user = await createAuthUser(database.sql);
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await db.consumeRateLimit(user.id, 'test', 2, 0.001));
  expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
  expect(results[2].retryAfterSeconds).toBeGreaterThan(0);
});
