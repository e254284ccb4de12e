// RLS on storage.objects for the attachments bucket, per actor, in the database itself (what
// hosted's Storage API and any direct SQL caller both go through), plus the platform shape.
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
