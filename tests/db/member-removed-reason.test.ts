// Why someone went, as the chat's `member_removed` says it
// (20261208200000_say_when_a_member_removed_is_a_deleted_account.sql): `reason: 'account_deleted'`
// for a member whose account was deleted (however it went) and for an owner whose chat was handed
// over; nothing for a member who left or was removed, whose name stays on their words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** An owner's chat with one member in it. */
async function chatWith(role: 'member' | 'viewer' = 'member'): Promise<{ owner: AuthUser; member: AuthUser; session: string }> {
  const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
  const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team') returning id`;
  await joinGroupChat(db.sql, owner, member, chat!.id, role);
  return { owner, member, session: chat!.id };
}

/** The payloads of every `member_removed` naming `who` (without the id realtime.send adds). */
const removals = async (who: AuthUser) => (await db.sql`
  select payload - 'id' as payload from realtime.messages where event = 'member_removed' and payload ->> 'user_id' = ${who.id}`).map((r) => r.payload);

describe("member_removed says when a person's account was deleted", () => {
  it('a member whose account is deleted (DELETE /api/me): account_deleted', async () => {
    const t = await chatWith();
    await db.sql`select private.delete_account(${t.member.id})`;
    expect(await removals(t.member)).toEqual([{ user_id: t.member.id, channel_epoch: 1, reason: 'account_deleted' }]);
  });

  it('a viewer whose auth user is deleted directly (Auth admin API, dashboard): account_deleted', async () => {
    const t = await chatWith('viewer');
    await db.sql`delete from auth.users where id = ${t.member.id}`;
    expect(await removals(t.member)).toEqual([{ user_id: t.member.id, channel_epoch: 1, reason: 'account_deleted' }]);
  });

  it('an owner whose chat is handed over: account_deleted, and nothing names the heir', async () => {
    const t = await chatWith();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    expect(await removals(t.owner)).toEqual([{ user_id: t.owner.id, channel_epoch: 1, reason: 'account_deleted' }]);
    expect(await removals(t.member)).toEqual([]);
  });

  it('a member and the owner deleted in one statement: both account_deleted', async () => {
    const t = await chatWith();
    await db.sql`delete from auth.users where id in (${t.owner.id}, ${t.member.id})`;
    for (const who of [t.owner, t.member]) {
      for (const payload of await removals(who)) expect(payload).toMatchObject({ reason: 'account_deleted' });
    }
  });
});

describe('member_removed gives no reason when the account stays', () => {
  it('a member who leaves', async () => {
    const t = await chatWith();
    await asActor(db.sql, t.member, (tx) => tx`delete from public.session_members where session_id = ${t.session} and user_id = ${t.member.id}`);
    expect(await removals(t.member)).toEqual([{ user_id: t.member.id, channel_epoch: 1 }]);
  });

  it('a member the owner removes', async () => {
    const t = await chatWith();
    await asActor(db.sql, t.owner, (tx) => tx`delete from public.session_members where session_id = ${t.session} and user_id = ${t.member.id}`);
    expect(await removals(t.member)).toEqual([{ user_id: t.member.id, channel_epoch: 1 }]);
  });

  it('a member who left earlier and deletes their account later: the leaving said no reason, the deletion says nothing', async () => {
    const t = await chatWith();
    await asActor(db.sql, t.member, (tx) => tx`delete from public.session_members where session_id = ${t.session} and user_id = ${t.member.id}`);
    await db.sql`select private.delete_account(${t.member.id})`;
    expect(await removals(t.member)).toEqual([{ user_id: t.member.id, channel_epoch: 1 }]);
  });
});
