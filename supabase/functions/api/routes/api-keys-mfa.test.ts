// /api/api-keys for a user with a verified MFA factor: an aal1 session (the password alone)
// can neither mint, list nor revoke keys (403 insufficient_aal, nothing changed), the database
// hides the keys from it too, and an aal2 session works; users without a factor are unaffected.
// Keys made before two-factor sign-in was turned on keep working and are listed as such.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

/** A new user (with a verified TOTP factor or none) and a way to call the API as them at an assurance level. */
async function newUser(withFactor: boolean) {
  const user = await api.createUser();
  if (withFactor) {
    await api.db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${user.id}, 'phone', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP')`;
  }
  const at = (aal: 'aal1' | 'aal2') => async (method: string, path: string, body?: unknown) => {
    const token = await signAccessToken(api.keys, { sub: user.id, email: user.email, iss: `${api.config.supabaseUrl}/auth/v1`, aal });
    return api.request(method, path, body, { authorization: `Bearer ${token}` });
  };
  return { id: user.id, aal1: at('aal1'), aal2: at('aal2') };
}

const keysOf = async (userId: string) => (await api.db.sql`select name from public.api_keys where user_id = ${userId} order by name`).map((r) => r.name);

describe('/api/api-keys with MFA enrolled', () => {
  it('refuses to mint, list or revoke keys at aal1 and changes nothing', async () => {
    const user = await newUser(true);
    const made = await user.aal2('POST', '/api-keys', { name: 'made with the code', scopes: ['chat'] });
    expect(made.status).toBe(201);
    const { id } = await made.json();
    for (const [method, path, body] of [
      ['POST', '/api-keys', { name: 'password only', scopes: ['chat', 'prompts:read'] }],
      ['GET', '/api-keys'],
      ['DELETE', `/api-keys/${id}`],
    ] as const) {
      const res = await user.aal1(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      const { error } = await res.json();
      expect(error.code).toBe('insufficient_aal');
      expect(error.message).toMatch(/authenticator app/);
    }
    expect(await keysOf(user.id)).toEqual(['made with the code']);
    // The rule holds in the database too: as this aal1 session, the Data API sees no key, and
    // deletes none (no one deletes keys through it: revoking stamps revoked_at, 20261207120000).
    const claims = { sub: user.id, role: 'authenticated', aud: 'authenticated', aal: 'aal1' };
    const asAal1 = <T>(query: (tx: postgres.TransactionSql) => Promise<T>) =>
      api.db.sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        await tx`set local role authenticated`;
        return query(tx);
      });
    expect(await asAal1((tx) => tx`select id from public.api_keys`)).toHaveLength(0);
    await expect(asAal1((tx) => tx`delete from public.api_keys returning id`)).rejects.toMatchObject({ code: '42501' });
    expect(await keysOf(user.id)).toEqual(['made with the code']);
  });

  it('lists and revokes at aal2', async () => {
    const user = await newUser(true);
    const { id } = await (await user.aal2('POST', '/api-keys', { name: 'ci', scopes: ['prompts:read'] })).json();
    expect((await (await user.aal2('GET', '/api-keys')).json()).keys.map((k: { id: string }) => k.id)).toEqual([id]);
    expect((await user.aal2('DELETE', `/api-keys/${id}`)).status).toBe(204);
  });

  it('leaves users without a factor alone at aal1', async () => {
    const user = await newUser(false);
    expect((await user.aal1('POST', '/api-keys', { name: 'no factor', scopes: ['chat'] })).status).toBe(201);
    expect((await user.aal1('GET', '/api-keys')).status).toBe(200);
  });

  it('marks the keys made before two-factor sign-in was turned on, which keep working', async () => {
    const user = await newUser(false);
    const factor = (status: 'verified' | 'unverified', at: string) => api.db.sql`
      insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${user.id}, ${`${status} ${at}`}, 'totp', ${status}, now() + ${at}::interval, now(), 'JBSWY3DPEHPK3PXP')`;
    const made = await (await user.aal1('POST', '/api-keys', { name: 'before', scopes: ['prompts:read'] })).json();
    expect(made.made_before_two_factor).toBe(false);
    // An app enrolled but never verified is not two-factor sign-in.
    await factor('unverified', '1 minute');
    const listed = async () => (await (await user.aal2('GET', '/api-keys')).json()).keys.map((k: { name: string; made_before_two_factor: boolean }) => [k.name, k.made_before_two_factor]);
    expect(await listed()).toEqual([['before', false]]);

    // Turned on (a verified factor after the key), then another key made with the code.
    await factor('verified', '2 minutes');
    const after = await (await user.aal2('POST', '/api-keys', { name: 'after', scopes: ['prompts:read'] })).json();
    expect(after.made_before_two_factor).toBe(false);
    await api.db.sql`update public.api_keys set created_at = now() + interval '3 minutes' where id = ${after.id}`;
    expect(await listed()).toEqual([['after', false], ['before', true]]);
    // A second app added later changes nothing: two-factor sign-in began with the first.
    await factor('verified', '5 minutes');
    expect(await listed()).toEqual([['after', false], ['before', true]]);

    // The old key still works: it is labelled, not revoked.
    expect((await api.request('GET', '/prompts', undefined, { authorization: `Bearer ${made.key}` })).status).toBe(200);
  });

  it("answers two_factor_since() for the caller only, and not to anon", async () => {
    const alice = await newUser(true);
    const bob = await newUser(false);
    const since = (claims: Record<string, string>) => api.db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', ${claims.role}, true)`;
      return (await tx`select public.two_factor_since() as at`)[0]!.at;
    });
    expect(await since({ sub: alice.id, role: 'authenticated', aal: 'aal2' })).toBeInstanceOf(Date);
    expect(await since({ sub: bob.id, role: 'authenticated', aal: 'aal1' })).toBeNull();
    await expect(since({ role: 'anon' })).rejects.toThrow(/permission denied/);
  });
});
