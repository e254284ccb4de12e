// /api/api-keys for a user with a verified MFA factor: an aal1 session (the password alone)
// can neither mint, list nor revoke keys (403 insufficient_aal, nothing changed), the database
// hides the keys from it too, and an aal2 session works; users without a factor are unaffected.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    // The rule holds in the database too: as this aal1 session, the Data API sees no key and deletes none.
    const claims = { sub: user.id, role: 'authenticated', aud: 'authenticated', aal: 'aal1' };
    const seen = await api.db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      await tx`set local role authenticated`;
      return [await tx`select id from public.api_keys`, await tx`delete from public.api_keys returning id`];
    });
    expect(seen.map((rows) => rows.length)).toEqual([0, 0]);
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
});
