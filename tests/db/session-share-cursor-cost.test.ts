// A shared chat's page cursor is checked against the branch the link shows by the messages'
// jump pointers, in a few key lookups: a cursor that is not on it (any uuid) is answered at once,
// not by walking the whole conversation from the leaf to its first message
// (20261208465000_check_shared_cursors_by_jumps.sql). Measured by the index scans of
// public.messages the call makes (pg_stat_xact_user_tables, this transaction's own counts),
// not by time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSql } from 'postgres';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const MESSAGES = 3000;

/** A chat of MESSAGES messages in one thread (rows written in one statement follow each other). */
async function longSharedChat(owner: AuthUser, member?: AuthUser): Promise<{ token: string; ids: string[] }> {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Long') returning id`;
  if (member) await joinGroupChat(db.sql, owner, member, session!.id, 'member');
  const rows = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    select ${session!.id}, ${owner.id}, case when g % 2 = 1 then 'user' else 'assistant' end, 'line ' || g
      from generate_series(1, ${MESSAGES}) g returning id`;
  const [{ token }] = await asActor(db.sql, owner, (tx) => tx`select public.share_session(${session!.id}, true) as token`);
  return { token, ids: rows.map((r) => r.id as string) };
}

/** The call's rows, how many index scans of public.messages it made and how many of its rows it read. */
async function withScans<T>(tx: TransactionSql, read: () => Promise<T>): Promise<{ rows: T; scans: number; read: number }> {
  const count = async () => (await tx<{ scans: number; read: number }[]>`
    select coalesce(idx_scan, 0)::int as scans, (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::int as read
      from pg_stat_xact_user_tables where relid = 'public.messages'::regclass`)[0] ?? { scans: 0, read: 0 };
  const before = await count();
  const rows = await read();
  const after = await count();
  return { rows, scans: after.scans - before.scans, read: after.read - before.read };
}

describe('get_shared_messages: the cost of a cursor', { timeout: 120_000 }, () => {
  it('answers a cursor off the shown branch with nothing, in a few lookups, and pages from a cursor on it', async () => {
    const owner = await createAuthUser(db.sql);
    const { token, ids } = await longSharedChat(owner);
    const page = (tx: TransactionSql, before: string | null) => withScans(tx, () =>
      tx`select id from public.get_shared_messages(${token}, null, ${before}, 50)`);

    const { foreign, deep, first } = await asActor(db.sql, 'anon', async (tx) => ({
      first: await page(tx, null),
      foreign: await page(tx, crypto.randomUUID()),
      // The second message: its page is the first message alone.
      deep: await page(tx, ids[1]!),
    }));
    expect(first.rows).toHaveLength(50);
    expect(foreign.rows).toEqual([]);
    expect(deep.rows.map((r) => r.id)).toEqual([ids[0]]);
    // A walk would scan the index once per message (3,000); a climb, a few per level of log2(3,000).
    expect(foreign.scans).toBeLessThan(10);
    expect(deep.scans).toBeLessThan(100);
    expect(first.scans).toBeLessThan(100);
    // And a page reads its own rows, not every message of the chat.
    for (const call of [first, foreign, deep]) expect(call.read).toBeLessThan(200);
  });

  it("names a group chat's authors only for asked questions on the shown branch, in a few lookups per id", async () => {
    const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { token, ids } = await longSharedChat(owner, member);
    const { rows, scans, read } = await asActor(db.sql, 'anon', (tx) => withScans(tx, () =>
      tx`select message_id from public.get_shared_message_authors(${token}, ${[crypto.randomUUID(), ids[0]!]}::uuid[])`));
    expect(rows.map((r) => r.message_id)).toEqual([ids[0]]);
    // A walk until every asked id is met would go down all 3,000 for the one that is not there.
    expect(scans).toBeLessThan(100);
    expect(read).toBeLessThan(200);
  });
});
