// withUserTransaction really runs as the caller: role authenticated, auth.uid() = the user,
// settings scoped to the transaction; the privileged helpers filter by the given user id.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthUser } from '../../../../tests/helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/database.ts';
import { ANON_STATEMENT_TIMEOUT, createDb, type Db } from './db.ts';

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
  const [anon] = await db.withAnonTransaction((sql) => sql<{ role: string; timeout: string }[]>`
    select current_user as role, current_setting('statement_timeout') as timeout`);
  // anon's own statement_timeout applies only to a login as anon: the transaction sets it.
  expect(anon).toEqual({ role: 'anon', timeout: ANON_STATEMENT_TIMEOUT });
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

/** A TCP relay to the database that holds back what the client sends when it matches `hold` (by `ms`). */
async function relayHolding(url: string, hold: RegExp, ms: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let queue = Promise.resolve();
    client.on('data', (chunk) => {
      const delay = hold.test(chunk.toString('latin1')) ? ms : 0;
      queue = queue.then(() => new Promise((resolve) => setTimeout(resolve, delay))).then(() => void upstream.write(chunk));
    });
    upstream.on('data', (chunk) => client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String((server.address() as net.AddressInfo).port);
  return {
    url: relayed.toString(),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

it('answerBeforeCommit hands a read-only result over before the COMMIT answers; failures still reject', async () => {
  const user = await createAuthUser(database.sql);
  const asUser = { id: user.id, email: user.email, claims: { sub: user.id } };
  // Every COMMIT reaches the database a second late.
  const relay = await relayHolding(database.url, /commit/i, 1000);
  const slow = createDb(relay.url, { max: 1 });
  try {
    await slow.withUserTransaction(asUser, (sql) => sql`select 1`); // the connection is open
    const started = performance.now();
    const [row] = await slow.withUserTransaction(asUser, (sql) => sql<{ uid: string; role: string }[]>`select auth.uid()::text as uid, current_user as role`,
      { readOnly: true, answerBeforeCommit: true });
    expect(row).toEqual({ uid: user.id, role: 'authenticated' });
    expect(performance.now() - started).toBeLessThan(700);
    // Still read only, and a failure reaches the caller (the ROLLBACK is not held).
    await expect(slow.withUserTransaction(asUser, (sql) => sql`insert into public.chat_sessions (user_id) values (${user.id})`,
      { readOnly: true, answerBeforeCommit: true })).rejects.toThrow(/read-only transaction/);
    await expect(slow.withUserTransaction(asUser, (sql) => sql`select 1/0`, { readOnly: true, answerBeforeCommit: true })).rejects.toThrow(/division by zero/);
    // The connection came back once its COMMIT answered, as the owner, with no transaction open.
    const [after] = await slow.sql<{ role: string; claims: string | null }[]>`
      select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
    expect(after).toEqual({ role: 'postgres', claims: null });
  } finally {
    await slow.end();
    await relay.close();
  }
});
