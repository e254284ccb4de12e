// Group chats, files members attach (migration ..._add_group_member_attachments.sql): a member's
// file lives in their own folder and is recorded (privileged) on the question they wrote in the
// owner's chat. Per actor — owner / uploading member / another member / viewer / removed member /
// stranger / anon — who reads the row and the object, who may change them, the guard that binds
// a row to its question's author, and what deleting the message, the session or an account
// queues for Storage clean-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group {
  owner: AuthUser; member: AuthUser; other: AuthUser; viewer: AuthUser; removed: AuthUser; stranger: AuthUser;
  sessionId: string; ownerQuestion: string; memberQuestion: string; memberAnswer: string; path: string; ownerPath: string;
}

async function object(user: AuthUser, name: string): Promise<string> {
  const path = `${user.id}/chat/${crypto.randomUUID()}/${name}`;
  await db.sql`insert into storage.objects (bucket_id, name, owner, metadata) values ('attachments', ${path}, ${user.id}, ${db.sql.json({ size: 10 })})`;
  return path;
}

const attachmentRow = (messageId: string, user: AuthUser, path: string) =>
  ({ message_id: messageId, user_id: user.id, storage_path: path, name: path.split('/').pop()!, type: 'text/plain', size: 10, extracted_text: 'the plan' });

/** An owner's chat with a question by the owner and one by a member carrying the member's file. */
async function group(): Promise<Group> {
  const [owner, member, other, viewer, removed, stranger] = await Promise.all(Array.from({ length: 6 }, () => createAuthUser(db.sql)));
  const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner!.id}) returning id`;
  const sessionId = session!.id as string;
  for (const [who, role] of [[member!, 'member'], [other!, 'member'], [viewer!, 'viewer'], [removed!, 'member']] as const) {
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${sessionId}, ${owner!.id}, ${who.id}, ${role})`;
  }
  const [q1] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${sessionId}, ${owner!.id}, 'user', 'hello') returning id`;
  const [q2] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${sessionId}, ${owner!.id}, ${member!.id}, 'user', 'see my plan') returning id`;
  const [a2] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${sessionId}, ${owner!.id}, ${member!.id}, 'assistant', 'ok') returning id`;
  const path = await object(member!, 'plan.txt');
  const ownerPath = await object(owner!, 'brief.txt');
  // What the function records on its privileged connection.
  await db.sql`insert into public.message_attachments ${db.sql(attachmentRow(q2!.id, member!, path))}`;
  await db.sql`insert into public.message_attachments ${db.sql(attachmentRow(q1!.id, owner!, ownerPath))}`;
  await db.sql`delete from public.session_members where session_id = ${sessionId} and user_id = ${removed!.id}`;
  return {
    owner: owner!, member: member!, other: other!, viewer: viewer!, removed: removed!, stranger: stranger!,
    sessionId, ownerQuestion: q1!.id, memberQuestion: q2!.id, memberAnswer: a2!.id, path, ownerPath,
  };
}

const queued = async (path: string) => (await db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).length === 1;
const readsRow = async (who: AuthUser, g: Group) =>
  (await asActor(db.sql, who, (tx) => tx`select 1 from public.message_attachments where storage_path = ${g.path}`)).length === 1;
const readsObject = async (who: AuthUser, path: string) =>
  (await asActor(db.sql, who, (tx) => tx`select 1 from storage.objects where bucket_id = 'attachments' and name = ${path}`)).length === 1;

describe("group chats: a member's attached file", () => {
  it('the owner, the uploader, other members and viewers read the row and the object; a removed member and a stranger read neither; anon nothing', async () => {
    const g = await group();
    for (const who of [g.owner, g.member, g.other, g.viewer]) {
      expect(await readsRow(who, g)).toBe(true);
      expect(await readsObject(who, g.path)).toBe(true);
    }
    for (const who of [g.removed, g.stranger]) {
      expect(await readsRow(who, g)).toBe(false);
      expect(await readsObject(who, g.path)).toBe(false);
      expect(await readsObject(who, g.ownerPath)).toBe(false);
    }
    // The uploader reads the owner's files in the chat as every member does.
    expect(await readsObject(g.member, g.ownerPath)).toBe(true);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select 1 from public.message_attachments`)).rejects.toThrow(PERMISSION_DENIED);
    const anonObjects = await asActor(db.sql, 'anon', (tx) => tx`select 1 from storage.objects where name = ${g.path}`).catch(() => []);
    expect(anonObjects).toHaveLength(0);
  });

  it("nobody but the uploader changes the object or deletes the row; nobody inserts rows with their own token", async () => {
    const g = await group();
    // (Objects are deleted through the Storage API only, which applies the same delete policy: own folder.)
    for (const who of [g.owner, g.other, g.viewer, g.removed, g.stranger]) {
      expect(await asActor(db.sql, who, (tx) => tx`update storage.objects set metadata = '{}' where name = ${g.path} returning 1`)).toHaveLength(0);
      expect(await asActor(db.sql, who, (tx) => tx`delete from public.message_attachments where storage_path = ${g.path} returning 1`)).toHaveLength(0);
    }
    for (const who of [g.owner, g.member, g.other]) {
      await expect(asActor(db.sql, who, (tx) => tx`insert into public.message_attachments ${tx(attachmentRow(g.memberQuestion, who, `${who.id}/x.txt`))}`))
        .rejects.toThrow(PERMISSION_DENIED);
    }
    await expect(asActor(db.sql, g.owner, (tx) => tx`update public.message_attachments set extracted_text = 'planted' where storage_path = ${g.path}`))
      .rejects.toThrow(PERMISSION_DENIED);
    // The uploader may take their file back out of the chat (the row's delete queues the object).
    expect(await asActor(db.sql, g.member, (tx) => tx`delete from public.message_attachments where storage_path = ${g.path} returning 1`)).toHaveLength(1);
    expect(await queued(g.path)).toBe(true);
  });

  it("a file can be recorded only on a question its uploader wrote, even on the privileged connection", async () => {
    const g = await group();
    const memberFile = await object(g.member, 'more.txt');
    const otherFile = await object(g.other, 'mine.txt');
    const ownerFile = await object(g.owner, 'owner.txt');
    const refused = [
      attachmentRow(g.ownerQuestion, g.member, memberFile), // the member's file on the owner's question
      attachmentRow(g.memberQuestion, g.other, otherFile), // another member's file on the member's question
      attachmentRow(g.memberQuestion, g.owner, ownerFile), // the owner's file on the member's question
      attachmentRow(g.memberAnswer, g.member, memberFile), // onto an answer
    ];
    for (const row of refused) {
      await expect(db.sql`insert into public.message_attachments ${db.sql(row)}`).rejects.toThrow(/only be attached to a question their uploader wrote/);
    }
    // Re-pointing an existing row is refused the same way.
    await expect(db.sql`update public.message_attachments set message_id = ${g.ownerQuestion} where storage_path = ${g.path}`)
      .rejects.toThrow(/only be attached to a question their uploader wrote/);
    // The table's own check keeps the path in the uploader's folder.
    await expect(db.sql`insert into public.message_attachments ${db.sql(attachmentRow(g.memberQuestion, g.member, otherFile))}`).rejects.toThrow(/check constraint/);
    await db.sql`insert into public.message_attachments ${db.sql(attachmentRow(g.memberQuestion, g.member, memberFile))}`;
    expect(await readsRow(g.owner, { ...g, path: memberFile })).toBe(true);
  });

  it('removing the uploader from the chat leaves the file with their question: the owner and the others still read it, the removed uploader keeps their own', async () => {
    const g = await group();
    await db.sql`delete from public.session_members where session_id = ${g.sessionId} and user_id = ${g.member.id}`;
    for (const who of [g.owner, g.other, g.viewer]) expect(await readsObject(who, g.path)).toBe(true);
    expect(await readsObject(g.member, g.path)).toBe(true); // their folder
    expect(await readsRow(g.member, g)).toBe(true); // their row
    expect(await readsObject(g.member, g.ownerPath)).toBe(false); // nobody else's any more
    expect(await queued(g.path)).toBe(false);
  });

  it("deleting the member's question or the session queues the member's object, as does the member's account; the owner's account hands the chat over and only the owner's object goes", async () => {
    const byMessage = await group();
    expect(await asActor(db.sql, byMessage.owner, (tx) => tx`delete from public.messages where id = ${byMessage.memberQuestion} returning 1`)).toHaveLength(1);
    expect(await queued(byMessage.path)).toBe(true);

    const bySession = await group();
    await asActor(db.sql, bySession.owner, (tx) => tx`delete from public.chat_sessions where id = ${bySession.sessionId}`);
    expect(await queued(bySession.path)).toBe(true);
    expect(await queued(bySession.ownerPath)).toBe(true);

    // The owner leaves the service: the chat goes on with its people (20261208040000 hands it to
    // the longest-standing member), so the member's file stays with their question; the owner's go.
    const byOwner = await group();
    await db.sql`select private.delete_account(${byOwner.owner.id})`;
    expect(await queued(byOwner.path)).toBe(false);
    expect(await db.sql`select 1 from public.message_attachments where storage_path = ${byOwner.path}`).toHaveLength(1);
    expect(await queued(byOwner.ownerPath)).toBe(true);

    // The member leaves the service: their files go (their question's text stays in the owner's chat).
    const byMember = await group();
    await db.sql`select private.delete_account(${byMember.member.id})`;
    expect(await queued(byMember.path)).toBe(true);
    expect(await db.sql`select 1 from public.message_attachments where storage_path = ${byMember.path}`).toHaveLength(0);
    const [question] = await db.sql`select author_id, content from public.messages where id = ${byMember.memberQuestion}`;
    expect(question).toEqual({ author_id: null, content: 'see my plan' });
    expect(await queued(byMember.ownerPath)).toBe(false);
  });
});
