// session_marks, per actor: each person pins and archives a chat in their own list — the owner,
// a member, a viewer — and reads only their own marks; another user and anonymous visitors
// reach none. chat_sessions no longer carries anyone's marks, so a group chat's row (through
// the Data API or Realtime) says nothing about how its owner sorts their list. Leaving or being
// removed takes a person's marks with the membership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group { owner: AuthUser; member: AuthUser; viewer: AuthUser; stranger: AuthUser; session: string }

async function group(): Promise<Group> {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team chat') returning id`;
  await joinGroupChat(db.sql, owner!, member!, row!.id, 'member');
  await joinGroupChat(db.sql, owner!, viewer!, row!.id, 'viewer');
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, session: row!.id };
}

const mark = (actor: AuthUser, userId: string, session: string) => asActor(db.sql, actor, (tx) => tx`
  insert into public.session_marks (user_id, session_id, pinned_at, archived_at)
  values (${userId}, ${session}, now(), now()) returning session_id`);
const marksSeenBy = (actor: AuthUser) => asActor(db.sql, actor, (tx) => tx`select user_id, session_id from public.session_marks order by user_id`);

describe('session_marks: owner', () => {
  it('pins, archives and restores their own chat', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    const [restored] = await asActor(db.sql, g.owner, (tx) => tx`
      update public.session_marks set archived_at = null where session_id = ${g.session} returning pinned_at, archived_at`);
    expect(restored!.pinned_at).toBeInstanceOf(Date);
    expect(restored!.archived_at).toBeNull();
    expect(await marksSeenBy(g.owner)).toEqual([{ user_id: g.owner.id, session_id: g.session }]);
  });

  it('their marks are not on the chat row, which members read (Data API, Realtime)', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    const [row] = await asActor(db.sql, g.member, (tx) => tx`select * from public.chat_sessions where id = ${g.session}`);
    expect(row).toBeDefined();
    expect(Object.keys(row!)).not.toContain('pinned_at');
    expect(Object.keys(row!)).not.toContain('archived_at');
    expect(await marksSeenBy(g.member)).toEqual([]);
  });

  it('cannot mark a chat for someone else, nor change or remove a member\'s marks', async () => {
    const g = await group();
    await expect(mark(g.owner, g.member.id, g.session)).rejects.toThrow(RLS_VIOLATION);
    await mark(g.member, g.member.id, g.session);
    expect(await asActor(db.sql, g.owner, (tx) => tx`update public.session_marks set pinned_at = null where user_id = ${g.member.id} returning 1`)).toEqual([]);
    expect(await asActor(db.sql, g.owner, (tx) => tx`delete from public.session_marks where user_id = ${g.member.id} returning 1`)).toEqual([]);
    expect(await db.sql`select pinned_at is not null as pinned from public.session_marks where user_id = ${g.member.id}`).toEqual([{ pinned: true }]);
  });
});

describe('session_marks: member and viewer', () => {
  it('each pins and archives the group chat in their own list, and reads only their own marks', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    for (const person of [g.member, g.viewer]) {
      await mark(person, person.id, g.session);
      expect(await marksSeenBy(person)).toEqual([{ user_id: person.id, session_id: g.session }]);
    }
    const [owners] = await asActor(db.sql, g.owner, (tx) => tx`select count(*)::int as n from public.session_marks`);
    expect(owners!.n).toBe(1);
  });

  it('cannot move a mark to another person or chat (only its times change)', async () => {
    const g = await group();
    await mark(g.member, g.member.id, g.session);
    await expect(asActor(db.sql, g.member, (tx) => tx`update public.session_marks set user_id = ${g.viewer.id}`)).rejects.toThrow(PERMISSION_DENIED);
    const [other] = await db.sql`insert into public.chat_sessions (user_id) values (${g.member.id}) returning id`;
    await expect(asActor(db.sql, g.member, (tx) => tx`update public.session_marks set session_id = ${other!.id}`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('leaving or being removed takes their marks; they cannot mark the chat again', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    await mark(g.member, g.member.id, g.session);
    await mark(g.viewer, g.viewer.id, g.session);
    await asActor(db.sql, g.member, (tx) => tx`delete from public.session_members where user_id = ${g.member.id}`);
    await asActor(db.sql, g.owner, (tx) => tx`delete from public.session_members where user_id = ${g.viewer.id}`);
    const left = await db.sql`select user_id from public.session_marks where session_id = ${g.session}`;
    expect(left).toEqual([{ user_id: g.owner.id }]);
    await expect(mark(g.member, g.member.id, g.session)).rejects.toThrow(RLS_VIOLATION);
    // A mark hangs on the membership: no writer, not even the service role, makes one without
    // it, nor names it otherwise; invited again, they start with none.
    await expect(db.sql`insert into public.session_marks (user_id, session_id, member_id, pinned_at)
      values (${g.viewer.id}, ${g.session}, null, now())`).rejects.toThrow(/foreign key/);
    await joinGroupChat(db.sql, g.owner, g.viewer, g.session, 'viewer');
    expect(await marksSeenBy(g.viewer)).toEqual([]);
  });
});

describe('session_marks: another user and anonymous', () => {
  it('another user can neither read nor write marks of a chat they cannot read', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    await mark(g.member, g.member.id, g.session);
    expect(await marksSeenBy(g.stranger)).toEqual([]);
    await expect(mark(g.stranger, g.stranger.id, g.session)).rejects.toThrow(RLS_VIOLATION);
    expect(await asActor(db.sql, g.stranger, (tx) => tx`update public.session_marks set pinned_at = null returning 1`)).toEqual([]);
    expect(await asActor(db.sql, g.stranger, (tx) => tx`delete from public.session_marks returning 1`)).toEqual([]);
  });

  it('anonymous visitors have no access', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.session_marks`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`delete from public.session_marks`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('deleting the chat or the account removes its marks', async () => {
    const g = await group();
    await mark(g.owner, g.owner.id, g.session);
    await mark(g.member, g.member.id, g.session);
    await db.sql`delete from auth.users where id = ${g.member.id}`;
    expect(await db.sql`select user_id from public.session_marks where session_id = ${g.session}`).toEqual([{ user_id: g.owner.id }]);
    await db.sql`delete from public.chat_sessions where id = ${g.session}`;
    expect(await db.sql`select 1 from public.session_marks where session_id = ${g.session}`).toEqual([]);
  });
});

describe('session_marks: live', () => {
  it("a change reaches the person's own private channel only, naming the chat when one changed", async () => {
    const g = await group();
    const [other] = await db.sql`insert into public.chat_sessions (user_id) values (${g.owner.id}) returning id`;
    await mark(g.member, g.member.id, g.session);
    await asActor(db.sql, g.owner, (tx) => tx`insert into public.session_marks (user_id, session_id, archived_at)
      select ${g.owner.id}, id, now() from public.chat_sessions where user_id = ${g.owner.id}`);
    // Realtime's send adds an id to each payload.
    const sent = await db.sql`select topic, payload->>'session_id' as session_id from realtime.messages
      where event = 'marks_changed' and topic in (${`user:${g.owner.id}`}, ${`user:${g.member.id}`}, ${`user:${g.viewer.id}`}) order by inserted_at, id`;
    expect(other).toBeDefined();
    expect(sent).toEqual([
      { topic: `user:${g.member.id}`, session_id: g.session },
      { topic: `user:${g.owner.id}`, session_id: null },
    ]);
  });
});
