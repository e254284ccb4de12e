// The sidebar's archived set, per actor: each person's archived marks, read by the default list
// (routes/sessions.ts) as one set per list, come from an index of archived marks alone
// (20261204051043), never from everyone's marks and their rows. What each person sees stays
// their own: the owner's archive leaves a member's list alone, and another user sees nothing.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

// The set as the list reads it.
const archivedSet = (tx: TransactionSql, userId: string) =>
  tx`select k.session_id from public.session_marks k where k.user_id = ${userId} and k.archived_at is not null`;

describe('the sidebar: archived marks', () => {
  it("each person's archived set is their own: owner, member, another user", async () => {
    const [owner, member, stranger] = await Promise.all([1, 2, 3].map(() => createAuthUser(db.sql))) as [AuthUser, AuthUser, AuthUser];
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team chat') returning id`;
    await joinGroupChat(db.sql, owner, member, chat!.id, 'member');
    await asActor(db.sql, owner, (tx) => tx`insert into public.session_marks (user_id, session_id, archived_at) values (${owner.id}, ${chat!.id}, now())`);
    expect(await asActor(db.sql, owner, (tx) => archivedSet(tx, owner.id))).toEqual([{ session_id: chat!.id }]);
    expect(await asActor(db.sql, member, (tx) => archivedSet(tx, member.id))).toEqual([]);
    expect(await asActor(db.sql, member, (tx) => archivedSet(tx, owner.id))).toEqual([]);
    expect(await asActor(db.sql, stranger, (tx) => archivedSet(tx, owner.id))).toEqual([]);
  });

  it('is read from the index of archived marks alone', async () => {
    const owner = await createAuthUser(db.sql);
    const plan = await asActor(db.sql, owner, async (tx) => {
      // The planner's choice on a table this small is a sequential scan; what matters is the
      // index it takes when the table is large, which is what it takes once scans are dear.
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_bitmapscan = off`;
      const rows = await tx`explain (costs off) select k.session_id from public.session_marks k where k.user_id = ${owner.id} and k.archived_at is not null`;
      return rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    });
    expect(plan).toMatch(/Index Only Scan using session_marks_user_id_archived_idx/);
  });
});
