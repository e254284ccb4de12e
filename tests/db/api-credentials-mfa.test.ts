// api_credentials with MFA: a user with a verified factor reaches their keys only from an
// aal2 session (restrictive policy via public.meets_mfa_requirement()); users without a
// verified factor, and the other actors, are checked as before.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, asUserAt as asUserAtLevel, createAuthUser, enrollFactor, PERMISSION_DENIED, type Aal, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const asUserAt = <T>(user: AuthUser, aal: Aal, fn: (tx: TransactionSql) => Promise<T>) => asUserAtLevel(db.sql, user, aal, fn);

async function userWithKey(factor: 'verified' | 'unverified' | null): Promise<AuthUser> {
  const user = await createAuthUser(db.sql);
  await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint) values (${user.id}, 'openai', 'v1.n.c', '…abcd')`;
  if (factor) await enrollFactor(db.sql, user, factor);
  return user;
}

const read = (tx: TransactionSql) => tx`select provider from public.api_credentials`;
const touch = (tx: TransactionSql) => tx`update public.api_credentials set last_used_at = now() returning provider`;
const remove = (tx: TransactionSql) => tx`delete from public.api_credentials returning provider`;

describe('api_credentials: aal2 once a factor is enrolled', () => {
  it('a user without a factor reads, marks and deletes their key at aal1', async () => {
    const user = await userWithKey(null);
    expect(await asUserAt(user, 'aal1', read)).toHaveLength(1);
    expect(await asUserAt(user, 'aal1', touch)).toHaveLength(1);
    expect(await asUserAt(user, 'aal1', remove)).toHaveLength(1);
  });

  it('an unverified factor changes nothing', async () => {
    const user = await userWithKey('unverified');
    expect(await asUserAt(user, 'aal1', read)).toHaveLength(1);
  });

  it('a user with a verified factor sees, marks and deletes nothing at aal1', async () => {
    const user = await userWithKey('verified');
    expect(await asUserAt(user, 'aal1', read)).toHaveLength(0);
    expect(await asUserAt(user, 'aal1', touch)).toHaveLength(0);
    expect(await asUserAt(user, 'aal1', remove)).toHaveLength(0);
    const [row] = await db.sql`select count(*)::int as n from public.api_credentials where user_id = ${user.id}`;
    expect(row!.n).toBe(1);
  });

  it('the same user at aal2 reads, marks and deletes their key', async () => {
    const user = await userWithKey('verified');
    expect(await asUserAt(user, 'aal2', read)).toEqual([{ provider: 'openai' }]);
    expect(await asUserAt(user, 'aal2', touch)).toHaveLength(1);
    expect(await asUserAt(user, 'aal2', remove)).toHaveLength(1);
  });

  it('aal2 does not open another user\'s keys', async () => {
    await userWithKey('verified');
    const stranger = await userWithKey('verified');
    expect(await asUserAt(stranger, 'aal2', read)).toEqual([{ provider: 'openai' }]);
  });

  it('anon sees nothing and cannot call the helper', async () => {
    await userWithKey('verified');
    await expect(asActor(db.sql, 'anon', read)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.meets_mfa_requirement()`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('meets_mfa_requirement answers for the caller only', async () => {
    const enrolled = await userWithKey('verified');
    const plain = await userWithKey(null);
    const ask = (tx: TransactionSql) => tx`select public.meets_mfa_requirement() as ok`;
    expect((await asUserAt(enrolled, 'aal1', ask))[0]!.ok).toBe(false);
    expect((await asUserAt(enrolled, 'aal2', ask))[0]!.ok).toBe(true);
    expect((await asUserAt(plain, 'aal1', ask))[0]!.ok).toBe(true);
  });
});
