// What a person keeps in the attachments bucket without sending it, bounded in the database
// (20261206083000_limit_unsent_uploads.sql): 100 files, 256 MiB, whoever writes the row —
// the person's own token, as Storage tries an upload, or Storage's own connection.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const MiB = 1024 * 1024;
const seed = async (user: AuthUser, count: number, size = 1) => {
  const paths = Array.from({ length: count }, () => `${user.id}/chat/${crypto.randomUUID()}.txt`);
  // Storage's own connection (the trigger holds it too), as hosted writes an upload's row.
  await db.sql.begin(async (tx) => {
    await tx`set local role supabase_storage_admin`;
    for (const path of paths) await tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values ('attachments', ${path}, ${user.id}, ${user.id}, ${tx.json({ size })})`;
  });
  return paths;
};
const upload = (user: AuthUser, size = 1, path = `${user.id}/chat/${crypto.randomUUID()}.txt`) =>
  asActor(db.sql, user, (tx: TransactionSql) => tx`insert into storage.objects (bucket_id, name, owner, metadata) values ('attachments', ${path}, ${user.id}, ${tx.json({ size })}) returning name`);
const attach = async (user: AuthUser, path: string) => {
  const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${user.id}) returning id`;
  const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${user.id}, 'user', 'see the file') returning id`;
  await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, extracted_text)
    values (${question!.id}, ${user.id}, ${path}, 'f.txt', 'text/plain', 1, 'the text')`;
};
const removeObject = (path: string) => db.sql.begin(async (tx) => {
  await tx`select set_config('storage.allow_delete_query', 'true', true)`;
  await tx`delete from storage.objects where name = ${path}`;
});

describe('unsent uploads', () => {
  it('the 101st file no message or project names is refused (42501); sending one or removing one makes room', async () => {
    const user = await createAuthUser(db.sql);
    const paths = await seed(user, 100);
    await expect(upload(user)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/100 uploaded files/) });
    await expect(seed(user, 1)).rejects.toMatchObject({ code: '42501' });
    // Someone else's folder is theirs alone.
    expect(await upload(await createAuthUser(db.sql))).toHaveLength(1);
    await attach(user, paths[0]!);
    expect(await upload(user)).toHaveLength(1);
    await expect(upload(user)).rejects.toMatchObject({ code: '42501' });
    await removeObject(paths[1]!);
    expect(await upload(user)).toHaveLength(1);
    // At 100 again: replacing one of them (Storage's upsert) is not one more.
    const replaced = await db.sql.begin(async (tx) => {
      await tx`set local role supabase_storage_admin`;
      return await tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values ('attachments', ${paths[2]!}, ${user.id}, ${user.id}, '{"size": 2}')
        on conflict (name, bucket_id) do update set metadata = excluded.metadata returning 1`;
    });
    expect(replaced).toHaveLength(1);
    await expect(upload(user)).rejects.toMatchObject({ code: '42501' });
  });

  it('past 256 MiB of unsent files an upload is refused; sent files do not count', async () => {
    const user = await createAuthUser(db.sql);
    const [big] = await seed(user, 1, 200 * MiB);
    expect(await upload(user, 50 * MiB)).toHaveLength(1);
    await expect(upload(user, 7 * MiB)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/256 MB/) });
    // A try without a size yet (Storage's check before it reads the bytes) passes the byte bound.
    expect(await asActor(db.sql, user, (tx) => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${`${user.id}/chat/${crypto.randomUUID()}.txt`}, ${user.id}) returning 1`)).toHaveLength(1);
    await attach(user, big!);
    expect(await upload(user, 150 * MiB)).toHaveLength(1);
  });
});
