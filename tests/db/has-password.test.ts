// has_password(): whether the caller's own account has a password, for Settings › Security's
// "current password" question — the caller's answer only, yes or no.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** An account a single sign-on made (GoTrue stores '' as its password) whose address then
 * changed: Auth gave it an `email` identity, and still no password. */
async function createSsoUserWithEmailIdentity(): Promise<AuthUser> {
  const user = await createAuthUser(db.sql);
  await db.sql`update auth.users set encrypted_password = '', raw_app_meta_data = '{"provider":"keycloak","providers":["keycloak"]}'::jsonb where id = ${user.id}`;
  await db.sql`insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${`sso-${randomUUID()}`}, ${user.id}, ${JSON.stringify({ email: user.email, email_verified: true })}::text::jsonb, 'keycloak', now(), now(), now())`;
  return user;
}

async function askAs(user: AuthUser): Promise<unknown> {
  const [row] = await asActor(db.sql, user, (tx) => tx`select public.has_password() as answer`);
  return row!.answer;
}

describe('has_password: the account itself', () => {
  it('is true for an account with a password', async () => {
    expect(await askAs(await createAuthUser(db.sql))).toBe(true);
  });

  it('is false for a single sign-on account, even one with an email identity', async () => {
    const sso = await createSsoUserWithEmailIdentity();
    const [identities] = await db.sql`select array_agg(provider order by provider) as providers from auth.identities where user_id = ${sso.id}`;
    expect(identities!.providers).toEqual(['email', 'keycloak']);
    expect(await askAs(sso)).toBe(false);
  });

  it('is false for a password Auth cleared (NULL, as RemoveUnconfirmedIdentities leaves it), true again once one is set', async () => {
    const user = await createAuthUser(db.sql);
    await db.sql`update auth.users set encrypted_password = null where id = ${user.id}`;
    expect(await askAs(user)).toBe(false);
    await db.sql`update auth.users set encrypted_password = extensions.crypt('a-new-pass-1', extensions.gen_salt('bf', 4)) where id = ${user.id}`;
    expect(await askAs(user)).toBe(true);
  });

  it('answers yes or no, never the hash', async () => {
    const [row] = await asActor(db.sql, await createAuthUser(db.sql), (tx) => tx`select pg_typeof(public.has_password())::text as type`);
    expect(row!.type).toBe('boolean');
  });
});

describe('has_password: another user', () => {
  it("answers for the caller only: there is no parameter to name someone else", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createSsoUserWithEmailIdentity();
    expect(await askAs(stranger)).toBe(false);
    await expect(asActor(db.sql, stranger, (tx) => tx`select public.has_password(${owner.id}::uuid)`)).rejects.toThrow(/does not exist/);
    const [fn] = await db.sql`select pronargs from pg_proc where oid = 'public.has_password'::regproc`;
    expect(fn!.pronargs).toBe(0);
  });
});

describe('has_password: anonymous and the service role', () => {
  it.each(['anon', 'service_role'] as const)('%s cannot call it', async (role) => {
    await expect(asActor(db.sql, role, (tx) => tx`select public.has_password()`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('is security definer with a fixed search_path, executable by authenticated only', async () => {
    const [fn] = await db.sql`
      select p.prosecdef, p.proconfig,
             has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
             has_function_privilege('anon', p.oid, 'execute') as anon,
             has_function_privilege('service_role', p.oid, 'execute') as service_role
        from pg_proc p where p.oid = 'public.has_password'::regproc`;
    expect(fn).toEqual({ prosecdef: true, proconfig: ['search_path=""'], authenticated: true, anon: false, service_role: false });
  });
});
