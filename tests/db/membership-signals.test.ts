// Who hears about a group chat's membership changes: only the person concerned, on their own
// private channel `user:<id>` (RLS on realtime.messages), sent by the database with the commit.
// session_members is not published for postgres_changes, whose delete events skip RLS and
// would tell every listener which user left which chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type Actor } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** What `actor` may receive on private channel `topic` (as Realtime checks a join). */
const receivable = (actor: Actor, topic: string) =>
  asActor(db.sql, actor, async (tx) => {
    await tx`select set_config('realtime.topic', ${topic}, true)`;
    return (await tx`select event from realtime.messages where topic = ${topic} and extension = 'broadcast' order by inserted_at, id`).map((r) => r.event as string);
  });

describe('membership signals', () => {
  it('session_members is not published for postgres_changes (its deletes would reach every listener)', async () => {
    const published = await db.sql`select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'session_members'`;
    expect(published).toEqual([]);
    // The tables the chat's own people follow stay published (checked against RLS per change).
    const chats = await db.sql`select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'chat_sessions'`;
    expect(chats).toHaveLength(1);
  });

  it("the invitee hears of an invitation, joining and removal on their own channel; nobody else may receive there", async () => {
    const [owner, member, stranger] = await Promise.all([1, 2, 3].map(() => createAuthUser(db.sql)));
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team') returning id`;
    await joinGroupChat(db.sql, owner!, member!, chat!.id, 'member');
    await asActor(db.sql, owner!, (tx) => tx`delete from public.session_members where user_id = ${member!.id}`);
    const topic = `user:${member!.id}`;
    // Invited (a pending invitation), accepted (it went; the membership began), removed.
    expect((await receivable(member!, topic)).sort()).toEqual(['invitations_changed', 'invitations_changed', 'memberships_changed', 'memberships_changed']);
    for (const other of [owner!, stranger!, 'anon' as const]) expect(await receivable(other, topic)).toEqual([]);
    // The payloads carry nothing but their id.
    const payloads = await db.sql`select payload from realtime.messages where topic = ${topic}`;
    for (const { payload } of payloads) expect(Object.keys(payload)).toEqual(['id']);
    // Nobody sends on a user's channel but the database (no insert policy).
    await expect(asActor(db.sql, member!, async (tx) => {
      await tx`select set_config('realtime.topic', ${topic}, true)`;
      await tx`insert into realtime.messages (topic, extension, event, payload, private) values (${topic}, 'broadcast', 'x', '{}', true)`;
    })).rejects.toThrow(/row-level security/);
  });

  it('an invitation to an address no account uses signals nobody', async () => {
    const owner = await createAuthUser(db.sql);
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team') returning id`;
    const [{ count }] = await db.sql`select count(*)::int from realtime.messages where event = 'invitations_changed'`;
    await asActor(db.sql, owner, (tx) => tx`select public.invite_session_member(${chat!.id}, ${`nobody-${crypto.randomUUID()}@example.test`}, 'member')`);
    expect((await db.sql`select count(*)::int from realtime.messages where event = 'invitations_changed'`)[0]!.count).toBe(count);
  });
});
