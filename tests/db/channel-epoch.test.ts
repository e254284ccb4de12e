// chat_sessions.channel_epoch, the epoch of a chat's live channel (`session:<id>` at 0,
// `session:<id>:<n>` after n removals). Only the database moves it, and it stays within the nine
// digits the realtime policies' topic pattern allows. A removal, a member leaving or an account
// deletion never fails because of it (20261206080000_close_epoch_share_and_storage_gaps.sql).
// Which topic authorises whom: realtime-session-policies.test.ts, group-posting.test.ts.
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const epochOf = async (sql: Sql, session: string) =>
  (await sql<{ channel_epoch: number }[]>`select channel_epoch from public.chat_sessions where id = ${session}`)[0]!.channel_epoch;

const leave = (sql: Sql, who: AuthUser, session: string) =>
  asActor(sql, who, (tx) => tx`delete from public.session_members where session_id = ${session} and user_id = ${who.id} returning user_id`);

/** Whether the actor may receive a broadcast on the topic (as Realtime asks when a client joins). */
async function receives(actor: Actor, topic: string): Promise<boolean> {
  await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${topic}, 'broadcast', 'delta', '{}', true)`;
  return await asActor(db.sql, actor, async (tx) => {
    await tx`select set_config('realtime.topic', ${topic}, true)`;
    return (await tx`select 1 from realtime.messages where topic = ${topic} and extension = 'broadcast'`).length > 0;
  });
}

describe('chat_sessions.channel_epoch: who sets it', () => {
  it("an owner's token cannot choose it on INSERT (0, as an UPDATE keeps it): their members can leave, be removed and delete their account", async () => {
    const [owner, leaving, removed, deleted] = [await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql)];
    // POST /rest/v1/chat_sessions {"title": "Team", "channel_epoch": 2147483647}
    const [chat] = await asActor(db.sql, owner, (tx) => tx`
      insert into public.chat_sessions (user_id, title, channel_epoch) values (${owner.id}, 'Team', 2147483647) returning id, channel_epoch`);
    expect(chat!.channel_epoch).toBe(0);
    const [other] = await asActor(db.sql, owner, (tx) => tx`
      insert into public.chat_sessions (user_id, title, channel_epoch) values (${owner.id}, 'Soon', 999999999) returning channel_epoch`);
    expect(other!.channel_epoch).toBe(0);
    for (const who of [leaving, removed, deleted]) await joinGroupChat(db.sql, owner, who, chat!.id, 'viewer');

    expect(await leave(db.sql, leaving, chat!.id)).toHaveLength(1);
    await asActor(db.sql, owner, (tx) => tx`delete from public.session_members where session_id = ${chat!.id} and user_id = ${removed.id}`);
    // DELETE /account: the cascade from auth.users removes the membership too.
    expect(await db.sql`select private.delete_account(${deleted.id}) as done`).toEqual([{ done: true }]);
    expect(await epochOf(db.sql, chat!.id)).toBe(3);
    expect(await db.sql`select user_id from public.session_members where session_id = ${chat!.id}`).toEqual([]);
  });

  it('the service role and the database may write it (as on UPDATE), but only an epoch the topic can carry', async () => {
    const owner = await createAuthUser(db.sql);
    const [chat] = await asActor(db.sql, 'service_role', (tx) => tx`
      insert into public.chat_sessions (user_id, title, channel_epoch) values (${owner.id}, 'Admin', 5) returning id, channel_epoch`);
    expect(chat!.channel_epoch).toBe(5);
    await expect(db.sql`update public.chat_sessions set channel_epoch = 1000000000 where id = ${chat!.id}`)
      .rejects.toMatchObject({ code: '23514', constraint_name: 'chat_sessions_channel_epoch_check' });
    await expect(asActor(db.sql, 'service_role', (tx) => tx`
      insert into public.chat_sessions (user_id, title, channel_epoch) values (${owner.id}, 'Admin', 2147483647)`)).rejects.toMatchObject({ code: '23514' });
    await expect(db.sql`update public.chat_sessions set channel_epoch = -1 where id = ${chat!.id}`).rejects.toMatchObject({ code: '23514' });
  });
});

describe('chat_sessions.channel_epoch: a removal never fails', () => {
  it('at the last nine-digit epoch a member leaving, a removal and an account deletion each move it to 1, whose topic serves the rest', async () => {
    const [owner, a, b, c] = [await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Long-lived') returning id`;
    const chat = row!.id as string;
    const atTheTop = () => db.sql`update public.chat_sessions set channel_epoch = 999999999 where id = ${chat}`;

    await joinGroupChat(db.sql, owner, a, chat, 'member');
    await joinGroupChat(db.sql, owner, b, chat, 'member');
    await atTheTop();
    expect(await leave(db.sql, a, chat)).toHaveLength(1);
    expect(await epochOf(db.sql, chat)).toBe(1);
    // The old topic hears who left and the epoch it moved to (round to 1: 20261207190000); the new
    // one serves the owner and the remaining member only.
    const [said] = await db.sql`select topic, payload from realtime.messages where event = 'member_removed' and payload ->> 'user_id' = ${a.id}`;
    expect(said).toMatchObject({ topic: `session:${chat}:999999999`, payload: { user_id: a.id, channel_epoch: 1 } });
    expect([await receives(owner, `session:${chat}:1`), await receives(b, `session:${chat}:1`), await receives(a, `session:${chat}:1`)]).toEqual([true, true, false]);

    await atTheTop();
    await asActor(db.sql, owner, (tx) => tx`delete from public.session_members where session_id = ${chat} and user_id = ${b.id}`);
    expect(await epochOf(db.sql, chat)).toBe(1);

    await joinGroupChat(db.sql, owner, c, chat, 'viewer');
    await atTheTop();
    expect(await db.sql`select private.delete_account(${c.id}) as done`).toEqual([{ done: true }]);
    expect(await epochOf(db.sql, chat)).toBe(1);
  });
});

describe('chat_sessions.channel_epoch: chats planted before this migration', () => {
  it('get an epoch the topic can carry again (0), and their members can leave', { timeout: 120_000 }, async () => {
    const before = await createTestDatabaseBefore('20261206080000');
    try {
      const [owner, victim] = [await createAuthUser(before.sql), await createAuthUser(before.sql)];
      const plant = async (epoch: number) => (await asActor(before.sql, owner, (tx) => tx`
        insert into public.chat_sessions (user_id, title, channel_epoch) values (${owner.id}, 'Team', ${epoch}) returning id`))[0]!.id as string;
      const [trap, dead, fine] = [await plant(2147483647), await plant(1000000000), await plant(2)];
      await joinGroupChat(before.sql, owner, victim, trap, 'viewer');
      await expect(leave(before.sql, victim, trap)).rejects.toThrow(/integer out of range/);

      await before.applyRest();
      expect([await epochOf(before.sql, trap), await epochOf(before.sql, dead), await epochOf(before.sql, fine)]).toEqual([0, 0, 2]);
      expect(await leave(before.sql, victim, trap)).toHaveLength(1);
      expect(await epochOf(before.sql, trap)).toBe(1);
    } finally {
      await before.drop();
    }
  });
});
