// Forking "from here" checks the message in a few key lookups, and takes the caller's `forks`
// token before it reads any message (20261208480000_check_fork_messages_by_jumps.sql): a message
// id off a shared link's branch (any uuid) is refused without walking the whole conversation,
// and once the bucket is empty every call is refused at once, whatever it names. Measured by the
// index scans of public.messages the call makes (pg_stat_xact_user_tables, this transaction's
// own counts), not by time, as in session-share-cursor-cost.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSql } from 'postgres';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const MESSAGES = 3000;

/** A chat of `count` messages in one thread (rows written in one statement follow each other), shared live. */
async function sharedChat(owner: AuthUser, count = MESSAGES): Promise<{ session: string; token: string; ids: string[] }> {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Long') returning id`;
  const rows = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    select ${session!.id}, ${owner.id}, case when g % 2 = 1 then 'user' else 'assistant' end, 'line ' || g
      from generate_series(1, ${count}) g returning id`;
  const [{ token }] = await asActor(db.sql, owner, (tx) => tx`select public.share_session(${session!.id}, true) as token`);
  return { session: session!.id as string, token, ids: rows.map((r) => r.id as string) };
}

interface Call { code: string | null; scans: number }

/**
 * One fork_session call in a savepoint (a refusal must not end the transaction that counts): the
 * SQLSTATE it was refused with (null when it forked) and the index scans of public.messages it made.
 */
async function forkCounted(tx: TransactionSql, session: string | null, token: string | null, upto: string): Promise<Call> {
  const scans = async () => (await tx<{ scans: number }[]>`
    select coalesce(idx_scan, 0)::int as scans from pg_stat_xact_user_tables where relid = 'public.messages'::regclass`)[0]?.scans ?? 0;
  const before = await scans();
  const code = await tx.savepoint((sp) => sp`select public.fork_session(${session}, ${token}, ${upto})`)
    .then(() => null, (error: { code?: string }) => error.code ?? 'unknown');
  return { code, scans: (await scans()) - before };
}

const emptyForksBucket = (user: AuthUser) =>
  db.sql`insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
         values (${user.id}, 'forks', 0, now() + interval '1 hour')`;

describe('fork_session: the cost of the message it is asked to fork from', () => {
  it("refuses a message off a shared link's branch in a few lookups, and forks one on it", async () => {
    const [owner, other] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { token, ids } = await sharedChat(owner);
    const { foreign, deep } = await asActor(db.sql, other, async (tx) => ({
      foreign: await forkCounted(tx, null, token, crypto.randomUUID()),
      // The second message: on the branch, 2,999 levels below the leaf.
      deep: await forkCounted(tx, null, token, ids[1]!),
    }));
    expect(foreign.code).toBe('MRF03');
    expect(deep.code).toBeNull();
    // A walk from the leaf would scan the index once per message (3,000); the jumps, a few per
    // level of log2(3,000); copying the two messages of the fork, a few more.
    expect(foreign.scans).toBeLessThan(10);
    expect(deep.scans).toBeLessThan(100);
  });

  it('refuses a message not in the chat one is in at once', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await sharedChat(owner, 10);
    const foreign = await asActor(db.sql, owner, (tx) => forkCounted(tx, session, null, crypto.randomUUID()));
    expect(foreign.code).toBe('MRF03');
    expect(foreign.scans).toBeLessThan(10);
  });
});

describe('fork_session: the rate limit comes before the message', () => {
  it('a caller whose bucket is empty is refused (MRF01) before any message is read, whatever id it names', async () => {
    const [owner, other] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { session, token, ids } = await sharedChat(owner);
    await emptyForksBucket(other);
    await emptyForksBucket(owner);
    const calls = await asActor(db.sql, other, async (tx) => [
      await forkCounted(tx, null, token, crypto.randomUUID()),
      await forkCounted(tx, null, token, ids[1]!),
    ]);
    calls.push(await asActor(db.sql, owner, (tx) => forkCounted(tx, session, null, crypto.randomUUID())));
    for (const call of calls) {
      expect(call.code).toBe('MRF01');
      // The link's leaf (the newest message) and nothing more.
      expect(call.scans).toBeLessThan(5);
    }
  });

  it('after 20 forks, the 21st call is refused with MRF01 even for a message off the branch', async () => {
    const [owner, other] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { token, ids } = await sharedChat(owner, 10);
    const codes = await asActor(db.sql, other, async (tx) => {
      const seen: (string | null)[] = [];
      for (let i = 0; i < 20; i++) seen.push((await forkCounted(tx, null, token, ids[1]!)).code);
      for (let i = 0; i < 3; i++) seen.push((await forkCounted(tx, null, token, crypto.randomUUID())).code);
      return seen;
    });
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(null));
    expect(codes.slice(20)).toEqual(['MRF01', 'MRF01', 'MRF01']);
  });
});
