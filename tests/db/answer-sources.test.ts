// answer_sources per actor: the chat's owner reads their answers' sources; a group member, a
// stranger and anon read nothing; no API role writes them. The guard holds for the privileged
// writer too: a source is on an answer of the same owner and names one of that owner's files.
// Removing the file keeps the source by name; deleting the answer removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function answerInProject(owner: AuthUser) {
  const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Docs') returning id`;
  const [file] = await db.sql`insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
    values (${owner.id}, ${project!.id}, 'notes.md', 12, 'text/markdown', ${`${owner.id}/project/${crypto.randomUUID()}/notes.md`}, '# Notes', 3) returning id`;
  const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${owner.id}, ${project!.id}) returning id`;
  const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${owner.id}, 'user', 'Q') returning id`;
  const [answer] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id) values (${session!.id}, ${owner.id}, 'assistant', 'A', ${question!.id}) returning id`;
  return { fileId: file!.id as string, sessionId: session!.id as string, questionId: question!.id as string, answerId: answer!.id as string };
}

const source = (messageId: string, userId: string, fileId: string | null, position = 0) =>
  ({ message_id: messageId, position, user_id: userId, file_id: fileId, name: 'notes.md', chunks: null });

describe('answer_sources', () => {
  it('owner reads their answers\' sources (whole files and excerpts); no API role may write them', async () => {
    const owner = await createAuthUser(db.sql);
    const a = await answerInProject(owner);
    await db.sql`insert into public.answer_sources ${db.sql(source(a.answerId, owner.id, a.fileId))}`;
    await db.sql`insert into public.answer_sources (message_id, position, user_id, file_id, name, chunks) values (${a.answerId}, 1, ${owner.id}, ${a.fileId}, 'notes.md', '{0,3}')`;
    expect(await asActor(db.sql, owner, (tx) => tx`select position, name, chunks from public.answer_sources where message_id = ${a.answerId} order by position`))
      .toEqual([{ position: 0, name: 'notes.md', chunks: null }, { position: 1, name: 'notes.md', chunks: [0, 3] }]);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.answer_sources ${tx(source(a.answerId, owner.id, a.fileId, 2))}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.answer_sources set name = 'x.md' where message_id = ${a.answerId}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`delete from public.answer_sources where message_id = ${a.answerId}`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('a group member, a stranger and anon read none; service role may write and read', async () => {
    const owner = await createAuthUser(db.sql);
    const member = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const a = await answerInProject(owner);
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${a.sessionId}, ${owner.id}, ${member.id}, 'member')`;
    await asActor(db.sql, 'service_role', (tx) => tx`insert into public.answer_sources ${tx(source(a.answerId, owner.id, a.fileId))}`);
    // The member reads the answer itself, not which of the owner's files it used.
    expect(await asActor(db.sql, member, (tx) => tx`select id from public.messages where id = ${a.answerId}`)).toHaveLength(1);
    expect(await asActor(db.sql, member, (tx) => tx`select name from public.answer_sources`)).toEqual([]);
    expect(await asActor(db.sql, stranger, (tx) => tx`select name from public.answer_sources`)).toEqual([]);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select name from public.answer_sources`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, 'service_role', (tx) => tx`select name from public.answer_sources where message_id = ${a.answerId}`)).toEqual([{ name: 'notes.md' }]);
  });

  it('the guard refuses a source on a question, on another owner\'s answer, or naming another owner\'s file, and bad chunk lists', async () => {
    const owner = await createAuthUser(db.sql);
    const other = await createAuthUser(db.sql);
    const a = await answerInProject(owner);
    const b = await answerInProject(other);
    await expect(db.sql`insert into public.answer_sources ${db.sql(source(a.questionId, owner.id, a.fileId))}`).rejects.toThrow(/a source belongs to an answer of the same owner/);
    await expect(db.sql`insert into public.answer_sources ${db.sql(source(a.answerId, other.id, b.fileId))}`).rejects.toThrow(/a source belongs to an answer of the same owner/);
    await expect(db.sql`insert into public.answer_sources ${db.sql(source(a.answerId, owner.id, b.fileId))}`).rejects.toThrow(/a source names a file of the answer's owner/);
    await expect(db.sql`insert into public.answer_sources (message_id, position, user_id, file_id, name, chunks) values (${a.answerId}, 0, ${owner.id}, ${a.fileId}, 'notes.md', '{}')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`insert into public.answer_sources (message_id, position, user_id, file_id, name, chunks) values (${a.answerId}, 0, ${owner.id}, ${a.fileId}, 'notes.md', '{-1}')`).rejects.toThrow(/check constraint/);
    expect(await db.sql`select 1 from public.answer_sources where message_id = ${a.answerId}`).toEqual([]);
  });

  it('removing the file keeps the source by its name; deleting the answer removes it', async () => {
    const owner = await createAuthUser(db.sql);
    const a = await answerInProject(owner);
    await db.sql`insert into public.answer_sources ${db.sql(source(a.answerId, owner.id, a.fileId))}`;
    await db.sql`delete from public.file_metadata where id = ${a.fileId}`;
    expect(await db.sql`select file_id, name from public.answer_sources where message_id = ${a.answerId}`).toEqual([{ file_id: null, name: 'notes.md' }]);
    await db.sql`delete from public.messages where id = ${a.answerId}`;
    expect(await db.sql`select 1 from public.answer_sources where message_id = ${a.answerId}`).toEqual([]);
  });
});
