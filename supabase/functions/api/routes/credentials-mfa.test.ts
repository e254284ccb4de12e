// /api/credentials for a user with a verified MFA factor: every route answers 403
// insufficient_aal from an aal1 session (nothing stored, listed, verified or deleted) and
// works from an aal2 one; users without a factor are unaffected.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

async function userAt(aal: 'aal1' | 'aal2', withFactor: boolean) {
  const user = await api.createUser();
  if (withFactor) {
    await api.db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${user.id}, 'phone', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP')`;
  }
  const token = await signAccessToken(api.keys, { sub: user.id, email: user.email, iss: `${api.config.supabaseUrl}/auth/v1`, aal });
  const request = (method: string, path: string, body?: unknown) => api.request(method, path, body, { authorization: `Bearer ${token}` });
  return { ...user, request };
}

describe('/api/credentials with MFA enrolled', () => {
  it('refuses every route at aal1 and changes nothing', async () => {
    const user = await userAt('aal1', true);
    await api.db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint) values (${user.id}, 'groq', 'v1.n.c', '…abcd')`;
    for (const [method, path, body] of [
      ['GET', '/credentials'], ['PUT', '/credentials/openai', { api_key: 'sk-test-1234567890' }],
      ['POST', '/credentials/groq/verify'], ['DELETE', '/credentials/groq'],
    ] as const) {
      const res = await user.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).error.code).toBe('insufficient_aal');
    }
    const rows = await api.db.sql`select provider from public.api_credentials where user_id = ${user.id}`;
    expect(rows.map((r) => r.provider)).toEqual(['groq']);
  });

  it('works at aal2', async () => {
    const user = await userAt('aal2', true);
    expect((await user.request('PUT', '/credentials/openai', { api_key: 'sk-test-1234567890' })).status).toBe(200);
    const list = await user.request('GET', '/credentials');
    expect((await list.json()).credentials.map((c: { provider: string }) => c.provider)).toEqual(['openai']);
    expect((await user.request('DELETE', '/credentials/openai')).status).toBe(204);
  });

  it('leaves users without a factor alone at aal1', async () => {
    const user = await userAt('aal1', false);
    expect((await user.request('PUT', '/credentials/openai', { api_key: 'sk-test-1234567890' })).status).toBe(200);
    expect((await user.request('GET', '/credentials')).status).toBe(200);
  });
});
