// Forking a chat keeps the files of the copied branch (20261208430000_fork_with_the_files_of_the_branch.sql):
// the files the forker attached are copied onto the copied questions, naming the same objects,
// and an answer's project sources onto the copied answers. A path named by both chats stays out
// of the cleanup drain's reach until neither names it (the drain removes only a queued path no
// message_attachments or file_metadata row names, lib/attachments/cleanup.ts). Files someone
// else attached stay with them, and the fork says how many it left out
// (20261208491000_count_the_files_a_fork_leaves_out.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function object(user: AuthUser, name: string): Promise<string> {
  const path = `${user.id}/chat/${crypto.randomUUID()}/${name}`;
  await db.sql`insert into storage.objects (bucket_id, name, owner, metadata) values ('attachments', ${path}, ${user.id}, ${db.sql.json({ size: 10 })})`;
  return path;
}

/** What the API function records on its privileged connection for a question's file. */
async function attach(messageId: string, user: AuthUser, path: string, text: string): Promise<void> {
  await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, extracted_text)
    values (${messageId}, ${user.id}, ${path}, ${path.split('/').pop()!}, 'application/pdf', 10, 4, ${text})`;
}

async function message(sessionId: string, owner: AuthUser, sender: 'user' | 'assistant', content: string, parentId: string | null, author: AuthUser = owner): Promise<string> {
  const [row] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content, parent_id)
    values (${sessionId}, ${owner.id}, ${author.id}, ${sender}, ${content}, ${parentId}) returning id`;
  return row!.id as string;
}

/** fork_session's one row: the new chat and how many of the others' files it left out. */
const forkRow = (who: AuthUser, sessionId: string | null, token: string | null, upto: string | null) =>
  asActor(db.sql, who, async (tx) => (await tx<{ fork_id: string; files_left_out: number }[]>`
    select * from public.fork_session(${sessionId}, ${token}, ${upto})`)[0]!);
const fork = async (...args: Parameters<typeof forkRow>) => (await forkRow(...args)).fork_id;

/** The files each copied message carries, as the forker reads them, in the fork's order. */
const filesOf = (who: AuthUser, sessionId: string) =>
  asActor(db.sql, who, (tx) => tx`select m.content, a.name, a.storage_path, a.extracted_text, a.user_id
    from public.message_attachments a join public.messages m on m.id = a.message_id
   where m.session_id = ${sessionId} order by m.created_at, a.created_at`);

const queued = async (path: string) => (await db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).length === 1;
/** The drain's own test: a queued path is removed only when no row names it. */
const named = async (path: string) =>
  (await db.sql`select exists (select 1 from public.message_attachments a where a.storage_path = ${path})
                    or exists (select 1 from public.file_metadata f where f.storage_path = ${path}) as named`)[0]!.named as boolean;

describe('fork_session: the files of the copied branch', () => {
  it("copies one's own files onto the copied questions, and their object stays named until both chats are gone", async () => {
    const owner = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Lemurs') returning id`;
    const q1 = await message(session!.id, owner, 'user', 'Read the paper', null);
    const a1 = await message(session!.id, owner, 'assistant', 'I received the file paper.pdf', q1);
    const q2 = await message(session!.id, owner, 'user', 'And this one', a1);
    const paper = await object(owner, 'paper.pdf');
    const later = await object(owner, 'later.pdf');
    await attach(q1, owner, paper, 'Abstract: 42 lemurs');
    await attach(q2, owner, later, 'Not on the forked path');

    const { fork_id: forked, files_left_out } = await forkRow(owner, session!.id, null, a1);
    expect(files_left_out).toBe(0); // all of them are the forker's
    expect(await filesOf(owner, forked)).toEqual([
      { content: 'Read the paper', name: 'paper.pdf', storage_path: paper, extracted_text: 'Abstract: 42 lemurs', user_id: owner.id },
    ]);
    // The fork's files are filed under the fork for search, and the forker reads their object.
    expect(await db.sql`select owner_id from public.message_attachments where session_id = ${forked}`).toEqual([{ owner_id: owner.id }]);
    expect(await asActor(db.sql, owner, (tx) => tx`select name from storage.objects where bucket_id = 'attachments' and name = ${paper}`)).toHaveLength(1);

    // Deleting the original chat queues the object, but the fork still names it: the drain keeps it.
    await asActor(db.sql, owner, (tx) => tx`delete from public.chat_sessions where id = ${session!.id}`);
    expect([await queued(paper), await named(paper)]).toEqual([true, true]);
    expect([await queued(later), await named(later)]).toEqual([true, false]);
    expect(await filesOf(owner, forked)).toHaveLength(1);

    // Once the fork goes too, nothing names it any more.
    await db.sql`delete from private.storage_cleanup where storage_path = ${paper}`;
    await asActor(db.sql, owner, (tx) => tx`delete from public.chat_sessions where id = ${forked}`);
    expect([await queued(paper), await named(paper)]).toEqual([true, false]);
  });

  it("copies an answer's project sources onto the copied answer of one's own chat", async () => {
    const owner = await createAuthUser(db.sql);
    const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Docs') returning id`;
    const [file] = await db.sql`insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
      values (${owner.id}, ${project!.id}, 'notes.md', 12, 'text/markdown', ${`${owner.id}/project/${crypto.randomUUID()}/notes.md`}, '# Notes', 3) returning id`;
    const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${owner.id}, ${project!.id}) returning id`;
    const q = await message(session!.id, owner, 'user', 'Q', null);
    const a = await message(session!.id, owner, 'assistant', 'A', q);
    await db.sql`insert into public.answer_sources (message_id, position, user_id, file_id, name, chunks) values (${a}, 0, ${owner.id}, ${file!.id}, 'notes.md', '{0,3}')`;

    const forked = await fork(owner, session!.id, null, a);
    expect(await asActor(db.sql, owner, (tx) => tx`select m.content, s.position, s.file_id, s.name, s.chunks
      from public.answer_sources s join public.messages m on m.id = s.message_id where m.session_id = ${forked}`))
      .toEqual([{ content: 'A', position: 0, file_id: file!.id, name: 'notes.md', chunks: [0, 3] }]);
  });

  it("leaves someone else's files with them: a group chat's member, its owner, a share link's visitor each get only their own", async () => {
    const [owner, member, visitor] = await Promise.all([createAuthUser(db.sql), createAuthUser(db.sql), createAuthUser(db.sql)]);
    const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Group') returning id`;
    await joinGroupChat(db.sql, owner, member, session!.id, 'member');
    const q1 = await message(session!.id, owner, 'user', 'The brief', null);
    const a1 = await message(session!.id, owner, 'assistant', 'Got the brief', q1);
    const q2 = await message(session!.id, owner, 'user', 'My plan', a1, member);
    const a2 = await message(session!.id, owner, 'assistant', 'Got the plan', q2, member);
    const brief = await object(owner, 'brief.pdf');
    const plan = await object(member, 'plan.pdf');
    await attach(q1, owner, brief, 'the brief');
    await attach(q2, member, plan, 'the plan');
    const [share] = await asActor(db.sql, owner, (tx) => tx`select public.share_session(${session!.id}, true) as token`);

    // Each fork says how many files it left out: the others' on the branch it copied.
    const owners = await forkRow(owner, session!.id, null, a2);
    const ownersFork = owners.fork_id;
    expect((await filesOf(owner, ownersFork)).map((f) => [f.content, f.name])).toEqual([['The brief', 'brief.pdf']]);
    expect(owners.files_left_out).toBe(1);
    const members = await forkRow(member, session!.id, null, a2);
    const membersFork = members.fork_id;
    expect((await filesOf(member, membersFork)).map((f) => [f.content, f.name, f.user_id])).toEqual([['My plan', 'plan.pdf', member.id]]);
    expect(members.files_left_out).toBe(1);
    const visitors = await forkRow(visitor, null, share!.token as string, null);
    expect(await db.sql`select m.content from public.messages m where m.session_id = ${visitors.fork_id}`).toHaveLength(4);
    expect(await filesOf(visitor, visitors.fork_id)).toEqual([]);
    expect(visitors.files_left_out).toBe(2);
    // Only the copied branch counts: up to the first answer, the member's plan is not in the copy.
    expect((await forkRow(owner, session!.id, null, a1)).files_left_out).toBe(0);
    expect((await forkRow(member, session!.id, null, a1)).files_left_out).toBe(1);

    // The member's file is named by the chat and by their own fork only: when they delete their
    // fork and the owner deletes the chat, nothing keeps it.
    await asActor(db.sql, member, (tx) => tx`delete from public.chat_sessions where id = ${membersFork}`);
    await asActor(db.sql, owner, (tx) => tx`delete from public.chat_sessions where id = ${session!.id}`);
    expect([await queued(plan), await named(plan)]).toEqual([true, false]);
    // The owner's fork still names the owner's brief.
    expect([await queued(brief), await named(brief)]).toEqual([true, true]);
  });
});

describe('fork_session: its grants across the change of its return type', () => {
  it('the drop and create of 20261208491000 leaves who may call it as it was: signed-in callers, not anon', { timeout: 120_000 }, async () => {
    const before = await createTestDatabaseBefore('20261208491000');
    // The function's ACL, entry by entry (PUBLIC's included), and what each API role may do. (By
    // name: a ::regprocedure constant would keep the dropped function's oid in the prepared plan.)
    const grants = async () => ({
      acl: (await before.sql`select array(select a::text from unnest(p.proacl) a order by 1) as acl
        from pg_proc p where p.proname = 'fork_session' and p.pronamespace = 'public'::regnamespace`)[0]!.acl as string[],
      roles: (await before.sql`select r.rolname, has_function_privilege(r.oid, 'public.fork_session(uuid, text, uuid)', 'execute') as may
        from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role') order by r.rolname`).map((r) => [r.rolname, r.may]),
    });
    try {
      const was = await grants();
      await before.applyRest();
      expect(await grants()).toEqual(was);
      expect(was.roles).toEqual([['anon', false], ['authenticated', true], ['service_role', true]]);
    } finally {
      await before.drop();
    }
  });
});
