// Two-factor sign-in in Storage, per bucket and per actor. The restrictive policy
// "objects: two-factor accounts need aal2" (20261203214659) covers every bucket, not only the
// private `attachments` one, and that is kept on purpose: a public bucket (say, avatars) is
// readable by anyone through its public URL, which no policy reads, but what goes through RLS —
// uploading, replacing, deleting, listing as a user — is the account's, and a password alone
// (aal1) must not change it. A bucket added later is covered without a migration of its own.
// Anonymous visitors are not affected (the policy is `to authenticated`); nor are accounts
// without a verified factor.
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, asUserAt as asUserAtLevel, createAuthUser, enrollFactor, RLS_VIOLATION, type Aal, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  // A public bucket as an operator would add one, with the usual policies: anyone reads,
  // each user writes their own folder.
  await db.sql`insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true)`;
  await db.sql`create policy "avatars: anyone can read" on storage.objects for select to anon, authenticated using (bucket_id = 'avatars')`;
  await db.sql`create policy "avatars: users upload to their folder" on storage.objects for insert to authenticated
    with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text)`;
});
afterAll(async () => { await db.drop(); });

const asUserAt = <T>(user: AuthUser, aal: Aal, fn: (tx: TransactionSql) => Promise<T>) => asUserAtLevel(db.sql, user, aal, fn);

async function withFactor(): Promise<AuthUser> {
  const user = await createAuthUser(db.sql);
  await enrollFactor(db.sql, user);
  return user;
}

const upload = (user: AuthUser, bucket: string) => (tx: TransactionSql) =>
  tx`insert into storage.objects (bucket_id, name, owner) values (${bucket}, ${`${user.id}/${randomUUID()}.png`}, ${user.id}) returning bucket_id`;
const listed = (user: AuthUser, bucket: string) => (tx: TransactionSql) =>
  tx`select name from storage.objects where bucket_id = ${bucket} and name like ${`${user.id}/%`}`;

describe('Storage and two-factor accounts: the private attachments bucket', () => {
  it('owner at aal1 reaches none of their files and uploads nothing; at aal2 all of them', async () => {
    const owner = await withFactor();
    await asUserAt(owner, 'aal2', upload(owner, 'attachments'));
    expect(await asUserAt(owner, 'aal1', listed(owner, 'attachments'))).toEqual([]);
    await expect(asUserAt(owner, 'aal1', upload(owner, 'attachments'))).rejects.toThrow(RLS_VIOLATION);
    expect(await asUserAt(owner, 'aal2', listed(owner, 'attachments'))).toHaveLength(1);
  });

  it('an account without a factor works at aal1; another user and anonymous visitors reach nothing', async () => {
    const [owner, stranger] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    await asUserAt(owner, 'aal1', upload(owner, 'attachments'));
    expect(await asUserAt(owner, 'aal1', listed(owner, 'attachments'))).toHaveLength(1);
    expect(await asUserAt(stranger, 'aal2', listed(owner, 'attachments'))).toEqual([]);
    expect(await asActor(db.sql, 'anon', listed(owner, 'attachments'))).toEqual([]);
  });
});

describe('Storage and two-factor accounts: a public bucket added later', () => {
  it('owner at aal1 cannot upload, nor read through RLS; at aal2 they can', async () => {
    const owner = await withFactor();
    await expect(asUserAt(owner, 'aal1', upload(owner, 'avatars'))).rejects.toThrow(RLS_VIOLATION);
    expect(await asUserAt(owner, 'aal2', upload(owner, 'avatars'))).toEqual([{ bucket_id: 'avatars' }]);
    expect(await asUserAt(owner, 'aal1', listed(owner, 'avatars'))).toEqual([]);
    expect(await asUserAt(owner, 'aal2', listed(owner, 'avatars'))).toHaveLength(1);
  });

  it('anonymous visitors still read it, and an account without a factor uploads at aal1; another user cannot upload into their folder', async () => {
    const [owner, stranger] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    await asUserAt(owner, 'aal1', upload(owner, 'avatars'));
    expect(await asActor(db.sql, 'anon', listed(owner, 'avatars'))).toHaveLength(1);
    expect(await asUserAt(stranger, 'aal1', listed(owner, 'avatars'))).toHaveLength(1);
    await expect(asUserAt(stranger, 'aal1', (tx) => tx`insert into storage.objects (bucket_id, name) values ('avatars', ${`${owner.id}/planted.png`})`)).rejects.toThrow(RLS_VIOLATION);
  });

  it('the rule is one policy for every bucket, for every command', async () => {
    const [policy] = await db.sql`select polcmd::text as cmd, polpermissive, pg_get_expr(polqual, polrelid) as qual
      from pg_policy where polrelid = 'storage.objects'::regclass and polname = 'objects: two-factor accounts need aal2'`;
    expect(policy).toEqual({ cmd: '*', polpermissive: false, qual: '( SELECT meets_mfa_requirement() AS meets_mfa_requirement)' });
  });
});
