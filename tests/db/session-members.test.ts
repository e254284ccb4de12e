// Group chats, per actor: owner / member / viewer / other user / anonymous — select, insert,
// update and delete on session_members, chat_sessions and messages, plus the invite and
// participants functions (invitations themselves: session-invitations.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group { owner: AuthUser; member: AuthUser; viewer: AuthUser; stranger: AuthUser; session: string }

async function group(): Promise<Group> {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team chat') returning id`;
  await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${row.id}, ${owner.id}, 'user', 'hello team')`;
  await joinGroupChat(db.sql, owner!, member!, row.id, 'member');
  await joinGroupChat(db.sql, owner!, viewer!, row.id, 'viewer');
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, session: row.id };
}

const post = (actor: AuthUser, session: string, content: string) =>
  asActor(db.sql, actor, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
    values (${session}, ${actor.id}, 'user', ${content}) returning id`);

describe('group chats: owner', () => {
  it('sees everyone once they accepted, changes a role, removes a member', async () => {
    const g = await group();
    const people = await asActor(db.sql, g.owner, (tx) => tx`select email, role from public.session_participants(${g.session}) order by role`);
    expect(people).toEqual([
      { email: g.member.email, role: 'member' },
      { email: g.owner.email, role: 'owner' },
      { email: g.viewer.email, role: 'viewer' },
    ]);
    await asActor(db.sql, g.owner, (tx) => tx`update public.session_members set role = 'member' where user_id = ${g.viewer.id}`);
    const [{ role }] = await db.sql`select role from public.session_members where user_id = ${g.viewer.id}`;
    expect(role).toBe('member');
    const removed = await asActor(db.sql, g.owner, (tx) => tx`delete from public.session_members where user_id = ${g.member.id} returning user_id`);
    expect(removed).toHaveLength(1);
  });

  it('cannot invite themselves, someone already in, or into a chat they do not own', async () => {
    const g = await group();
    await expect(asActor(db.sql, g.owner, (tx) => tx`select public.invite_session_member(${g.session}, ${g.owner.email}, 'member')`)).rejects.toThrow(/own this chat/);
    await expect(asActor(db.sql, g.owner, (tx) => tx`select public.invite_session_member(${g.session}, ${g.member.email}, 'viewer')`)).rejects.toThrow(/already in this chat/);
    await expect(asActor(db.sql, g.member, (tx) => tx`select public.invite_session_member(${g.session}, ${g.stranger.email}, 'member')`)).rejects.toThrow(/no such session/);
    await expect(asActor(db.sql, g.owner, (tx) => tx`select public.invite_session_member(${g.session}, ${g.stranger.email}, 'admin')`)).rejects.toThrow(/check constraint/);
  });

  it('cannot write membership rows directly, or plant one naming someone else as owner', async () => {
    const g = await group();
    await expect(asActor(db.sql, g.owner, (tx) => tx`insert into public.session_members (session_id, owner_id, user_id, role)
      values (${g.session}, ${g.owner.id}, ${g.stranger.id}, 'member')`)).rejects.toThrow(PERMISSION_DENIED);
    // The owner changes roles, and nothing else of a membership; a member changes nothing.
    await expect(asActor(db.sql, g.owner, (tx) => tx`update public.session_members set user_id = ${g.stranger.id} where user_id = ${g.member.id}`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, g.member, (tx) => tx`update public.session_members set role = 'member' returning user_id`)).toEqual([]);
    // Even the service role cannot record a membership whose owner_id is not the session's owner.
    await expect(db.sql`insert into public.session_members (session_id, owner_id, user_id, role)
      values (${g.session}, ${g.stranger.id}, ${g.member.id}, 'member')`).rejects.toThrow(/foreign key|duplicate key/);
  });
});

describe('group chats: member', () => {
  it('reads the chat and its messages, posts a question, sees who is in it', async () => {
    const g = await group();
    const seen = await asActor(db.sql, g.member, async (tx) => ({
      sessions: (await tx`select title from public.chat_sessions where id = ${g.session}`).map((r) => r.title),
      messages: (await tx`select content from public.messages where session_id = ${g.session}`).map((r) => r.content),
      people: (await tx`select role from public.session_participants(${g.session})`).length,
    }));
    expect(seen).toEqual({ sessions: ['Team chat'], messages: ['hello team'], people: 3 });
    // Questions enter a chat through a chat turn only (the function; tests/db/group-posting.test.ts).
    await expect(post(g.member, g.session, 'a question')).rejects.toThrow(PERMISSION_DENIED);
  });

  it('cannot post as someone else or as the assistant, rename or delete the chat, or edit others\' messages', async () => {
    const g = await group();
    await expect(asActor(db.sql, g.member, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${g.session}, ${g.owner.id}, 'user', 'forged')`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, g.member, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${g.session}, ${g.member.id}, 'assistant', 'forged answer')`)).rejects.toThrow(PERMISSION_DENIED);
    const renamed = await asActor(db.sql, g.member, (tx) => tx`update public.chat_sessions set title = 'mine' where id = ${g.session} returning id`);
    const deleted = await asActor(db.sql, g.member, (tx) => tx`delete from public.chat_sessions where id = ${g.session} returning id`);
    expect([renamed, deleted]).toEqual([[], []]);
    // No one edits messages with their own token (the function writes them).
    await expect(asActor(db.sql, g.member, (tx) => tx`update public.messages set content = 'x' where session_id = ${g.session} and user_id = ${g.owner.id} returning id`))
      .rejects.toThrow(/permission denied for table messages/);
  });

  it('leaves the chat and from then on sees nothing of it', async () => {
    const g = await group();
    await asActor(db.sql, g.member, (tx) => tx`delete from public.session_members where user_id = ${g.member.id}`);
    const after = await asActor(db.sql, g.member, async (tx) => ({
      sessions: await tx`select id from public.chat_sessions where id = ${g.session}`,
      messages: await tx`select id from public.messages where session_id = ${g.session}`,
      people: await tx`select * from public.session_participants(${g.session})`,
    }));
    expect(after).toEqual({ sessions: [], messages: [], people: [] });
    await expect(post(g.member, g.session, 'still here?')).rejects.toThrow(PERMISSION_DENIED);
  });

  it('sees everyone by name and role, but only their own email (the owner invited by email; they did not)', async () => {
    const g = await group();
    const people = await asActor(db.sql, g.member, (tx) => tx`select user_id, email, role from public.session_participants(${g.session})`);
    expect(people).toEqual(expect.arrayContaining([
      { user_id: g.owner.id, email: null, role: 'owner' },
      { user_id: g.member.id, email: g.member.email, role: 'member' },
      { user_id: g.viewer.id, email: null, role: 'viewer' },
    ]));
    expect(people).toHaveLength(3);
    const seenByViewer = await asActor(db.sql, g.viewer, (tx) => tx`select email from public.session_participants(${g.session}) where email is not null`);
    expect(seenByViewer).toEqual([{ email: g.viewer.email }]);
  });

  it('cannot remove other members', async () => {
    const g = await group();
    const removed = await asActor(db.sql, g.member, (tx) => tx`delete from public.session_members where user_id = ${g.viewer.id} returning user_id`);
    expect(removed).toEqual([]);
  });
});

describe('group chats: viewer', () => {
  it('reads but cannot post', async () => {
    const g = await group();
    const messages = await asActor(db.sql, g.viewer, (tx) => tx`select content from public.messages where session_id = ${g.session}`);
    expect(messages.map((m) => m.content)).toEqual(['hello team']);
    await expect(post(g.viewer, g.session, 'may I?')).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('group chats: forks', () => {
  const fork = (actor: AuthUser, session: string) =>
    asActor(db.sql, actor, async (tx) => (await tx`select fork_id as id from public.fork_session(${session}, null, null)`)[0].id as string);

  it('a member and a viewer fork the chat they read into chats of their own; once out of it, they cannot', async () => {
    const g = await group();
    for (const person of [g.member, g.viewer]) {
      const copy = await fork(person, g.session);
      const [session] = await db.sql`select user_id, title, project_id from public.chat_sessions where id = ${copy}`;
      expect(session).toEqual({ user_id: person.id, title: 'Team chat (fork)', project_id: null });
      const copied = await asActor(db.sql, person, (tx) => tx`select content, user_id, author_id from public.messages where session_id = ${copy}`);
      expect(copied).toEqual([{ content: 'hello team', user_id: person.id, author_id: person.id }]);
    }
    await asActor(db.sql, g.owner, (tx) => tx`delete from public.session_members where user_id = ${g.member.id}`);
    await expect(fork(g.member, g.session)).rejects.toThrow(/no such session/);
    await expect(fork(g.stranger, g.session)).rejects.toThrow(/no such session/);
  });
});

describe('group chats: another user and anonymous', () => {
  it('another user sees no membership, session, message or participant and cannot post', async () => {
    const g = await group();
    const seen = await asActor(db.sql, g.stranger, async (tx) => ({
      members: await tx`select * from public.session_members`,
      sessions: await tx`select id from public.chat_sessions where id = ${g.session}`,
      messages: await tx`select id from public.messages where session_id = ${g.session}`,
      people: await tx`select * from public.session_participants(${g.session})`,
    }));
    expect(seen).toEqual({ members: [], sessions: [], messages: [], people: [] });
    await expect(post(g.stranger, g.session, 'let me in')).rejects.toThrow(PERMISSION_DENIED);
    const removed = await asActor(db.sql, g.stranger, (tx) => tx`delete from public.session_members returning user_id`);
    expect(removed).toEqual([]);
  });

  it('anonymous visitors can touch neither the table nor the functions', async () => {
    const g = await group();
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.session_members`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.session_participants(${g.session})`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.invite_session_member(${g.session}, 'x@example.test', 'member')`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('deleting the session or a member account removes the memberships', async () => {
    const g = await group();
    await db.sql`delete from auth.users where id = ${g.viewer.id}`;
    expect(await db.sql`select 1 from public.session_members where user_id = ${g.viewer.id}`).toHaveLength(0);
    await db.sql`delete from public.chat_sessions where id = ${g.session}`;
    expect(await db.sql`select 1 from public.session_members where session_id = ${g.session}`).toHaveLength(0);
  });
});
