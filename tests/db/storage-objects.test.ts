// RLS on storage.objects for the attachments bucket, per actor, in the database itself (what
// hosted's Storage API and any direct SQL caller both go through), plus the platform shape.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
let owner: AuthUser;
let stranger: AuthUser;
beforeAll(async () => {
  db = await createTestDatabase();
  owner = await createAuthUser(db.sql);
  stranger = await createAuthUser(db.sql);
});
afterAll(async () => { await db.drop(); });

async function seedObject(userId: string, name = `${crypto.randomUUID()}.txt`): Promise<string> {
  const path = `${userId}/${name}`;
  await db.sql`insert into storage.objects (bucket_id, name, owner, metadata) values ('attachments', ${path}, ${userId}, '{"size": 1}')`;
  return path;
}

describe('storage platform schema', () => {
  it('has the hosted helpers and refuses direct deletes without the Storage API flag', async () => {
    const [row] = await db.sql`select storage.foldername('a/b/c.txt') as folders, storage.filename('a/b/c.txt') as file, storage.extension('a/b/c.txt') as ext`;
    expect(row).toEqual({ folders: ['a', 'b'], file: 'c.txt', ext: 'txt' });
    const path = await seedObject(owner.id);
    await expect(db.sql`delete from storage.objects where name = ${path}`).rejects.toThrow(/Direct deletion from storage tables is not allowed/);
  });
});

describe('attachments objects: owner', () => {
  it('reads, writes, renames and deletes under their own folder only', async () => {
    const path = await seedObject(owner.id);
    const read = await asActor(db.sql, owner, (tx) => tx`select name from storage.objects where name = ${path}`);
    expect(read).toHaveLength(1);
    await asActor(db.sql, owner, (tx) => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${`${owner.id}/new.txt`}, ${owner.id})`);
    const renamed = await asActor(db.sql, owner, (tx) => tx`update storage.objects set name = ${`${owner.id}/renamed.txt`} where name = ${`${owner.id}/new.txt`} returning name`);
    expect(renamed).toHaveLength(1);
    await expect(asActor(db.sql, owner, (tx) => tx`update storage.objects set name = ${`${stranger.id}/moved.txt`} where name = ${path}`)).rejects.toThrow(RLS_VIOLATION);
    const deleted = await asActor(db.sql, owner, async (tx) => {
      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      return await tx`delete from storage.objects where name = ${path} returning name`;
    });
    expect(deleted).toHaveLength(1);
  });
});

describe('attachments objects: once attached (20261203195000_keep_attached_objects.sql)', () => {
  // What hosted's Storage API runs with the user's token for update()/upsert, move() and remove().
  const swap = (path: string) => asActor(db.sql, owner, (tx) => tx`update storage.objects set metadata = '{"size": 20971520}' where name = ${path} returning 1`);
  const move = (path: string) => asActor(db.sql, owner, (tx) => tx`update storage.objects set name = ${`${owner.id}/elsewhere-${crypto.randomUUID()}.txt`} where name = ${path} returning 1`);
  const remove = (path: string) => asActor(db.sql, owner, async (tx) => {
    await tx`select set_config('storage.allow_delete_query', 'true', true)`;
    return await tx`delete from storage.objects where name = ${path} returning 1`;
  });

  it("a file on a sent question keeps its bytes and name: its uploader cannot swap, move or remove it", async () => {
    const path = await seedObject(owner.id);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${owner.id}, 'user', 'see the file') returning id`;
    await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, extracted_text)
      values (${question!.id}, ${owner.id}, ${path}, 'f.txt', 'text/plain', 1, 'the text')`;
    expect(await swap(path)).toHaveLength(0);
    expect(await move(path)).toHaveLength(0);
    expect(await remove(path)).toHaveLength(0);
    const [object] = await db.sql`select metadata from storage.objects where name = ${path}`;
    expect(object!.metadata).toEqual({ size: 1 });
    // Deleting the message queues the object for the function's clean-up (service key), as before.
    await db.sql`delete from public.messages where id = ${question!.id}`;
    expect(await db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).toHaveLength(1);
  });

  it("a project file's object too", async () => {
    const path = await seedObject(owner.id);
    const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'P') returning id`;
    await db.sql`insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
      values (${owner.id}, ${project!.id}, 'f.txt', 1, 'text/plain', ${path}, 'the text', 2)`;
    expect(await swap(path)).toHaveLength(0);
    expect(await move(path)).toHaveLength(0);
    expect(await remove(path)).toHaveLength(0);
  });

  it("nor can Storage's own connection, which writes a signed upload URL's upload: new bytes or a new name are refused (42501), whoever signed", async () => {
    // A trigger, not a policy (20261206080000_close_epoch_share_and_storage_gaps.sql). As
    // storage-api writes every upload: insert … on conflict do update, a new version (its file)
    // each time; here as supabase_storage_admin, the table's owner, whom RLS does not hold.
    const asStorage = (statement: (tx: TransactionSql) => PromiseLike<unknown>) => db.sql.begin(async (tx) => {
      await tx`set local role supabase_storage_admin`;
      return await statement(tx);
    });
    const upsert = (path: string) => asStorage((tx) => tx`
      insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
      values ('attachments', ${path}, ${owner.id}, ${owner.id}, '{"size": 20971520}', ${crypto.randomUUID()})
      on conflict (name, bucket_id) do update set metadata = excluded.metadata, version = excluded.version, owner = excluded.owner, owner_id = excluded.owner_id
      returning 1`);
    const rename = (path: string) => asStorage((tx) => tx`update storage.objects set name = ${`${owner.id}/elsewhere-${crypto.randomUUID()}.txt`} where name = ${path} returning 1`);
    const attached = async (table: 'message_attachments' | 'file_metadata') => {
      const path = await seedObject(owner.id);
      await db.sql`update storage.objects set version = 'sent' where name = ${path}`;
      if (table === 'message_attachments') {
        const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
        const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${owner.id}, 'user', 'invoice') returning id`;
        await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size) values (${question!.id}, ${owner.id}, ${path}, 'f.txt', 'text/plain', 1)`;
      } else {
        const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'P') returning id`;
        await db.sql`insert into public.file_metadata (user_id, project_id, name, size, type, storage_path) values (${owner.id}, ${project!.id}, 'f.txt', 1, 'text/plain', ${path})`;
      }
      return path;
    };
    for (const table of ['message_attachments', 'file_metadata'] as const) {
      const path = await attached(table);
      await expect(upsert(path), table).rejects.toMatchObject({ code: '42501', message: expect.stringContaining('is attached') });
      await expect(rename(path), table).rejects.toMatchObject({ code: '42501' });
      // What does not touch the bytes or the name still goes through.
      expect(await asStorage((tx) => tx`update storage.objects set last_accessed_at = now(), metadata = metadata || '{"eTag": "x"}' where name = ${path} returning 1`)).toHaveLength(1);
      expect(await db.sql`select version, metadata ->> 'size' as size from storage.objects where name = ${path}`).toEqual([{ version: 'sent', size: '1' }]);
    }
    // A file not yet sent is replaced and moved as before.
    expect(await upsert(await seedObject(owner.id))).toHaveLength(1);
    expect(await rename(await seedObject(owner.id))).toHaveLength(1);
  });

  it('an upload no row names yet (the composer tray) can still be replaced, moved and removed', async () => {
    expect(await swap(await seedObject(owner.id))).toHaveLength(1);
    expect(await move(await seedObject(owner.id))).toHaveLength(1);
    expect(await remove(await seedObject(owner.id))).toHaveLength(1);
  });
});

describe('attachments objects: another user', () => {
  it("sees, changes and deletes none of the owner's objects and cannot plant files in their folder", async () => {
    const path = await seedObject(owner.id);
    expect(await asActor(db.sql, stranger, (tx) => tx`select 1 from storage.objects where name = ${path}`)).toHaveLength(0);
    expect(await asActor(db.sql, stranger, (tx) => tx`update storage.objects set metadata = '{}' where name = ${path} returning 1`)).toHaveLength(0);
    const deleted = await asActor(db.sql, stranger, async (tx) => {
      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      return await tx`delete from storage.objects where name = ${path} returning 1`;
    });
    expect(deleted).toHaveLength(0);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into storage.objects (bucket_id, name) values ('attachments', ${`${owner.id}/planted.txt`})`)).rejects.toThrow(RLS_VIOLATION);
    // A folder named like a user id but nested deeper is not theirs either.
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into storage.objects (bucket_id, name) values ('attachments', ${`x/${stranger.id}/f.txt`})`)).rejects.toThrow(RLS_VIOLATION);
  });
});

describe('attachments objects: anonymous and service role', () => {
  it('anon sees and writes nothing; the service role bypasses RLS', async () => {
    const path = await seedObject(owner.id);
    expect(await asActor(db.sql, 'anon', (tx) => tx`select 1 from storage.objects where bucket_id = 'attachments'`)).toHaveLength(0);
    await expect(asActor(db.sql, 'anon', (tx) => tx`insert into storage.objects (bucket_id, name) values ('attachments', ${`${owner.id}/anon.txt`})`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asActor(db.sql, 'service_role', (tx) => tx`select 1 from storage.objects where name = ${path}`)).toHaveLength(1);
  });

  it('users cannot create or change buckets', async () => {
    await expect(asActor(db.sql, owner, (tx) => tx`insert into storage.buckets (id, name, public) values ('mine', 'mine', true)`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asActor(db.sql, owner, (tx) => tx`update storage.buckets set public = true where id = 'attachments' returning 1`)).toHaveLength(0);
  });
});
