// The platform bootstrap gives migrations what a hosted Supabase database has (https://supabase.com/docs/guides/database/postgres/roles).
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

describe('platform bootstrap', () => {
  it('has the API roles with Supabase attributes', async () => {
    const roles = await db.sql`select rolname, rolcanlogin, rolbypassrls, rolinherit from pg_roles
      where rolname in ('anon','authenticated','service_role','authenticator') order by rolname`;
    expect(roles.map((r) => [r.rolname, r.rolcanlogin, r.rolbypassrls])).toEqual([
      ['anon', false, false],
      ['authenticated', false, false],
      ['authenticator', true, false],
      ['service_role', false, true],
    ]);
  });

  it('leaves no guessable password on the login roles (issue 10, finding 7)', async () => {
    const rows = await db.sql`select rolname, rolpassword is null as no_password from pg_authid
      where rolname in ('authenticator', 'supabase_auth_admin', 'supabase_replication_admin') order by rolname`;
    expect(rows.map((r) => [r.rolname, r.no_password])).toEqual([
      ['authenticator', true], ['supabase_auth_admin', true], ['supabase_replication_admin', true],
    ]);
    // Black-box: the old default password no longer opens a connection as any of them.
    for (const role of ['authenticator', 'supabase_auth_admin', 'supabase_replication_admin']) {
      const url = new URL(db.url);
      url.username = role;
      url.password = 'postgres';
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await expect(client`select 1`, role).rejects.toThrow(/password authentication failed/);
      await client.end();
    }
  });

  it('reads the caller from request.jwt.claims in auth.uid(), auth.role(), auth.jwt()', async () => {
    const [row] = await db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: '00000000-0000-0000-0000-00000000000a', role: 'authenticated', email: 'a@example.com' })}, true)`;
      await tx`set local role authenticated`;
      return await tx`select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'email' as jwt_email`;
    });
    expect(row).toEqual({ uid: '00000000-0000-0000-0000-00000000000a', role: 'authenticated', email: 'a@example.com', jwt_email: 'a@example.com' });
  });

  it('has the supabase_realtime publication and pgcrypto in extensions', async () => {
    const [pub] = await db.sql`select pubinsert, pubupdate, pubdelete from pg_publication where pubname = 'supabase_realtime'`;
    expect(pub).toEqual({ pubinsert: true, pubupdate: true, pubdelete: true });
    const [ext] = await db.sql`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pgcrypto'`;
    expect(ext.nspname).toBe('extensions');
  });

  it('keeps the API roles out of auth tables', async () => {
    await expect(db.sql.begin(async (tx) => {
      await tx`set local role authenticated`;
      return await tx`select * from auth.users`;
    })).rejects.toThrow(/permission denied/);
  });
});
