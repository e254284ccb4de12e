// RLS per actor on file_metadata, file_chunks and message_attachments, and the clean-up
// queue their deletion (and an account's) fills for the Storage objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function ownerWithProject(): Promise<{ owner: AuthUser; projectId: string; messageId: string; sessionId: string }> {
  const owner = await createAuthUser(db.sql);
  const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Docs') returning id`;
  const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${owner.id}, ${project!.id}) returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${owner.id}, 'user', 'see file') returning id`;
  return { owner, projectId: project!.id, messageId: message!.id, sessionId: session!.id };
}

const fileRow = (userId: string, projectId: string, name = 'notes.md') => ({
  user_id: userId, project_id: projectId, name, size: 12, type: 'text/markdown',
  storage_path: `${userId}/${crypto.randomUUID()}/${name}`, extracted_text: '# Notes', token_count: 3,
});

async function queued(path: string): Promise<boolean> {
  const rows = await db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`;
  return rows.length === 1;
}

describe('file_metadata: owner', () => {
  it('cannot write a file or its chunks with their own token (only the function records what it extracted and counted)', async () => {
    const { owner, projectId } = await ownerWithProject();
    // What the Data API would let a script do: 2,000,000 characters declared as 0 tokens, with no object behind them.
    const planted = { ...fileRow(owner.id, projectId), extracted_text: 'x'.repeat(2_000_000), token_count: 0 };
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.file_metadata ${tx(planted)}`)).rejects.toThrow(PERMISSION_DENIED);
    const [file] = await db.sql`insert into public.file_metadata ${db.sql(fileRow(owner.id, projectId))} returning id`;
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.file_chunks (file_id, user_id, chunk_index, content, token_count) values (${file!.id}, ${owner.id}, 0, 'planted', 0)`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.file_metadata set token_count = 0 where id = ${file!.id}`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('reads and deletes their files (their chunks with them); deletion queues the object', async () => {
    const { owner, projectId } = await ownerWithProject();
    const row = fileRow(owner.id, projectId);
    const [file] = await db.sql`insert into public.file_metadata ${db.sql(row)} returning id`;
    await db.sql`insert into public.file_chunks (file_id, user_id, chunk_index, content, token_count) values (${file!.id}, ${owner.id}, 0, '# Notes', 3)`;
    expect(await asActor(db.sql, owner, (tx) => tx`select name from public.file_metadata where project_id = ${projectId}`)).toEqual([{ name: 'notes.md' }]);
    expect(await asActor(db.sql, owner, (tx) => tx`select content from public.file_chunks where file_id = ${file!.id}`)).toEqual([{ content: '# Notes' }]);
    // A file's chunks go with it, never on their own (no delete privilege on file_chunks).
    await expect(asActor(db.sql, owner, (tx) => tx`delete from public.file_chunks where file_id = ${file!.id}`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, owner, (tx) => tx`delete from public.file_metadata where id = ${file!.id} returning id`)).toHaveLength(1);
    expect(await db.sql`select 1 from public.file_chunks where file_id = ${file!.id}`).toHaveLength(0);
    expect(await queued(row.storage_path)).toBe(true);
  });

  it('a file whose path is outside its owner\'s folder cannot be recorded, by anyone', async () => {
    const { owner, projectId } = await ownerWithProject();
    const other = await createAuthUser(db.sql);
    await expect(db.sql`insert into public.file_metadata ${db.sql({ ...fileRow(owner.id, projectId), storage_path: `${other.id}/x.md` })}`)
      .rejects.toThrow(/file_metadata_check|violates check constraint/);
  });
});

describe('file_metadata: another user', () => {
  it("sees no files of someone else's project and cannot add to it", async () => {
    const { owner, projectId } = await ownerWithProject();
    const stranger = await createAuthUser(db.sql);
    await db.sql`insert into public.file_metadata ${db.sql(fileRow(owner.id, projectId))}`;
    expect(await asActor(db.sql, stranger, (tx) => tx`select 1 from public.file_metadata where project_id = ${projectId}`)).toHaveLength(0);
    expect(await asActor(db.sql, stranger, (tx) => tx`select 1 from public.file_chunks`)).toHaveLength(0);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.file_metadata ${tx(fileRow(stranger.id, projectId))}`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, stranger, (tx) => tx`delete from public.file_metadata where project_id = ${projectId} returning 1`)).toHaveLength(0);
  });
});

describe('file_metadata and attachments: anonymous', () => {
  it('anon has no access at all', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select 1 from public.file_metadata`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select 1 from public.message_attachments`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('message_attachments', () => {
  it('nobody writes attachment rows with their own token (only the function records what it extracted); another user sees nothing; cascades queue the object', async () => {
    const { owner, messageId, sessionId } = await ownerWithProject();
    const stranger = await createAuthUser(db.sql);
    const path = `${owner.id}/${crypto.randomUUID()}/photo.png`;
    const attachment = { message_id: messageId, user_id: owner.id, storage_path: path, name: 'photo.png', type: 'image/png', size: 10, extracted_text: 'planted' };
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.message_attachments ${tx(attachment)}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.message_attachments ${tx({ ...attachment, user_id: stranger.id, storage_path: `${stranger.id}/x.png` })}`))
      .rejects.toThrow(PERMISSION_DENIED);
    // What the function records (privileged) the owner reads; the stranger doesn't.
    await db.sql`insert into public.message_attachments ${db.sql({ ...attachment, extracted_text: '' })}`;
    expect(await asActor(db.sql, owner, (tx) => tx`select 1 from public.message_attachments where message_id = ${messageId}`)).toHaveLength(1);
    expect(await asActor(db.sql, stranger, (tx) => tx`select 1 from public.message_attachments where message_id = ${messageId}`)).toHaveLength(0);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.message_attachments set extracted_text = 'planted' where message_id = ${messageId}`)).rejects.toThrow(PERMISSION_DENIED);
    // Deleting the session cascades to the message and its attachment.
    await asActor(db.sql, owner, (tx) => tx`delete from public.chat_sessions where id = ${sessionId}`);
    expect(await queued(path)).toBe(true);
  });

  it("deleting an account queues every object in the user's folder", async () => {
    const { owner } = await ownerWithProject();
    const loose = `${owner.id}/never-sent.txt`;
    await db.sql`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${loose}, ${owner.id})`;
    await db.sql`select private.delete_account(${owner.id})`;
    expect(await queued(loose)).toBe(true);
  });
});

describe('attachments in group chats', () => {
  it("members read the group's attachment rows and objects; non-members read neither", async () => {
    const { owner, messageId, sessionId } = await ownerWithProject();
    const member = await createAuthUser(db.sql);
    const outsider = await createAuthUser(db.sql);
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${sessionId}, ${owner.id}, ${member.id}, 'viewer')`;
    const path = `${owner.id}/chat/${crypto.randomUUID()}/plan.pdf`;
    await db.sql`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${path}, ${owner.id})`;
    await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size) values (${messageId}, ${owner.id}, ${path}, 'plan.pdf', 'application/pdf', 10)`;

    expect(await asActor(db.sql, member, (tx) => tx`select name from public.message_attachments where message_id = ${messageId}`)).toEqual([{ name: 'plan.pdf' }]);
    expect(await asActor(db.sql, member, (tx) => tx`select name from storage.objects where name = ${path}`)).toEqual([{ name: path }]);
    expect(await asActor(db.sql, member, (tx) => tx`update storage.objects set metadata = '{}' where name = ${path} returning 1`)).toHaveLength(0);
    expect(await asActor(db.sql, outsider, (tx) => tx`select 1 from public.message_attachments where message_id = ${messageId}`)).toHaveLength(0);
    expect(await asActor(db.sql, outsider, (tx) => tx`select 1 from storage.objects where name = ${path}`)).toHaveLength(0);
  });
});
