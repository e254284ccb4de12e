// Who hears about a group chat's membership changes: the person concerned, on their own private
// channel `user:<id>` (RLS on realtime.messages), sent by the database with the commit; the chat's
// people, on its channel, that someone joined or changed role; its owner, on their own channel,
// that one of its invitations changed (20261207115000). session_members is not published for
// postgres_changes, whose delete events skip RLS and would tell every listener which user left
// which chat.
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

  it("the chat's people hear on its channel that someone joined or changed role, and nothing else; nobody else may receive it", async () => {
    const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team') returning id`;
    const topic = `session:${chat!.id}`;
    await joinGroupChat(db.sql, owner!, member!, chat!.id, 'member');
    // An invitation, made and declined, changes nobody's membership: the chat's people hear nothing of it.
    const [{ id: invited }] = await asActor(db.sql, owner!, (tx) => tx`select public.invite_session_member(${chat!.id}, ${viewer!.email}, 'viewer') as id`);
    await asActor(db.sql, viewer!, (tx) => tx`select public.decline_session_invitation(${invited})`);
    expect(await receivable(member!, topic)).toEqual(['members_changed']);
    // Joined as a viewer, made a member (the owner's token, as the Data API writes it), and the same role again (no change).
    await joinGroupChat(db.sql, owner!, viewer!, chat!.id, 'viewer');
    await asActor(db.sql, owner!, (tx) => tx`update public.session_members set role = 'member' where session_id = ${chat!.id} and user_id = ${viewer!.id}`);
    await asActor(db.sql, owner!, (tx) => tx`update public.session_members set role = 'member' where session_id = ${chat!.id}`);
    for (const who of [owner!, member!, viewer!]) expect(await receivable(who, topic)).toEqual(['members_changed', 'members_changed', 'members_changed']);
    for (const other of [stranger!, 'anon' as const]) expect(await receivable(other, topic)).toEqual([]);
    const payloads = await db.sql`select payload from realtime.messages where topic = ${topic}`;
    for (const { payload } of payloads) expect(Object.keys(payload)).toEqual(['id']);

    // Once someone was removed the chat's channel is the next epoch's, and so is the signal.
    await asActor(db.sql, owner!, (tx) => tx`delete from public.session_members where session_id = ${chat!.id} and user_id = ${member!.id}`);
    await joinGroupChat(db.sql, owner!, member!, chat!.id, 'member');
    expect(await receivable(viewer!, `${topic}:1`)).toEqual(['members_changed']);
  });

  it("the owner hears on their own channel that their chat's invitations changed, and only they do", async () => {
    const [owner, member, invitee, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team') returning id`;
    await joinGroupChat(db.sql, owner!, member!, chat!.id, 'member');
    const invite = async () => (await asActor(db.sql, owner!, (tx) => tx`select public.invite_session_member(${chat!.id}, ${invitee!.email}, 'member') as id`))[0]!.id as string;
    // Invited and declined; invited, a new link made, and cancelled; invited to an address no account uses.
    await asActor(db.sql, invitee!, async (tx) => tx`select public.decline_session_invitation(${await invite()})`);
    const again = await invite();
    await asActor(db.sql, owner!, (tx) => tx`select public.invitation_link(${again})`);
    await asActor(db.sql, owner!, (tx) => tx`delete from public.session_invitations where id = ${again}`);
    await asActor(db.sql, owner!, (tx) => tx`select public.invite_session_member(${chat!.id}, ${`nobody-${crypto.randomUUID()}@example.test`}, 'viewer')`);
    const topic = `user:${owner!.id}`;
    // The member's acceptance (joinGroupChat) counts too: its invitation went.
    expect(await receivable(owner!, topic)).toEqual(Array(8).fill('session_invitations_changed'));
    for (const other of [member!, invitee!, stranger!, 'anon' as const]) expect(await receivable(other, topic)).toEqual([]);
    // It names the chat, the owner's own, and nothing of the invitation.
    const payloads = await db.sql`select payload from realtime.messages where topic = ${topic}`;
    for (const { payload } of payloads) expect(payload).toEqual({ session_id: chat!.id, id: expect.any(String) });
    // The chat's people hear nothing of any of it on the chat's channel (the member's joining aside).
    expect(await receivable(member!, `session:${chat!.id}`)).toEqual(['members_changed']);
  });
});
