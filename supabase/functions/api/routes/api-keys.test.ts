// (Paths are given in full: the harness adds /api only to paths not starting with it.)
// API keys: shown once, stored as SHA-256, listed with last use, revoked (401 on the very
// next request; the key stays listed as revoked, usage-sources.test.ts), expiry, scopes per route, identity and RLS of a key-authenticated request.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function createKey(user: ApiUser, body: Record<string, unknown> = {}) {
  const res = await user.request('POST', '/api-keys', { name: 'CI bot', scopes: ['prompts:read'], ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string; prefix: string; scopes: string[]; last_used_at: string | null };
}

const withKey = (key: string, method: string, path: string, body?: unknown) =>
  api.request(method, path, body, { authorization: `Bearer ${key}` });

describe('api keys', () => {
  it('shows the key once, stores only its SHA-256, lists without secrets', async () => {
    const alice = await api.createUser();
    const created = await createKey(alice, { scopes: ['prompts:read', 'chat', 'chat'] });
    expect(created.key).toMatch(/^mrp_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created.scopes).toEqual(['prompts:read', 'chat']);
    const [row] = await api.db.sql`select * from public.api_keys where id = ${created.id}`;
    expect(Buffer.from(row.key_hash).toString('hex')).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));
    const list = await (await alice.request('GET', '/api-keys')).json();
    expect(list.keys).toHaveLength(1);
    expect(list.keys[0]).toEqual({
      id: created.id, name: 'CI bot', prefix: created.prefix, scopes: ['prompts:read', 'chat'],
      expires_at: null, last_used_at: null, created_at: expect.any(String), made_before_two_factor: false,
      revoked_at: null, calls: 0, cost_usd: 0, unpriced_calls: 0,
    });
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(JSON.stringify(api.logs)).not.toContain(created.key.slice(12));
  });

  it("reads the owner's prompts with prompts:read, as the owner under RLS, and records last use", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const mine = await (await alice.request('POST', '/prompts', { title: 'Mine', content: 'Hi' })).json();
    const bobs = await (await bob.request('POST', '/prompts', { title: 'Secret', content: 'No' })).json();
    const { key } = await createKey(alice);
    const list = await withKey(key, 'GET', '/prompts');
    expect(list.status).toBe(200);
    expect((await list.json()).prompts.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    expect((await withKey(key, 'GET', `/prompts/${mine.id}`)).status).toBe(200);
    expect((await withKey(key, 'GET', `/prompts/${bobs.id}`)).status).toBe(404);
    const render = await withKey(key, 'POST', `/prompts/${mine.id}/render`, { variables: {} });
    expect(render.status).toBe(200);
    const listed = (await (await alice.request('GET', '/api-keys')).json()).keys[0];
    expect(Date.now() - Date.parse(listed.last_used_at)).toBeLessThan(60_000);
  });

  it('enforces scopes per route; writes and key management need a session', async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'T', content: 'Hi' })).json();
    const reader = (await createKey(alice, { scopes: ['prompts:read'] })).key;
    const chatter = (await createKey(alice, { scopes: ['chat'] })).key;
    const denied = await withKey(chatter, 'GET', '/prompts');
    expect(denied.status).toBe(403);
    expect((await denied.json()).error).toMatchObject({ code: 'insufficient_scope', message: expect.stringContaining('prompts:read') });
    expect((await withKey(chatter, 'POST', `/prompts/${prompt.id}/render`, { variables: {} })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/prompts', { title: 'x', content: 'y' }],
      ['PATCH', `/prompts/${prompt.id}`, { title: 'z' }],
      ['DELETE', `/prompts/${prompt.id}`, undefined],
      ['GET', '/usage', undefined],
      ['GET', '/me', undefined],
      ['GET', '/api-keys', undefined],
      ['POST', '/api-keys', { name: 'escalate', scopes: ['chat'] }],
    ] as const) {
      const res = await withKey(reader, method, path, body);
      // 403: the key is good, it is just not accepted here (401 would tell a client to replace it).
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).error).toMatchObject({ code: 'session_required', message: expect.stringMatching(/API keys cannot be used here/) });
    }
    expect((await alice.request('GET', `/prompts/${prompt.id}`)).status).toBe(200);
  });

  it('refuses a revoked key on the very next request, and only the owner can revoke', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const created = await createKey(alice);
    expect((await withKey(created.key, 'GET', '/prompts')).status).toBe(200);
    expect((await bob.request('DELETE', `/api-keys/${created.id}`)).status).toBe(404);
    expect((await withKey(created.key, 'GET', '/prompts')).status).toBe(200);
    expect((await alice.request('DELETE', `/api-keys/${created.id}`)).status).toBe(204);
    const after = await withKey(created.key, 'GET', '/prompts');
    expect(after.status).toBe(401);
    expect((await after.json()).error.message).toBe('Invalid, expired or revoked API key');
    // Revoking again is no error (and changes nothing); another person's key is still not found.
    expect((await alice.request('DELETE', `/api-keys/${created.id}`)).status).toBe(204);
    expect((await bob.request('DELETE', `/api-keys/${created.id}`)).status).toBe(404);
    expect((await alice.request('DELETE', '/api-keys/not-a-uuid')).status).toBe(400);
  });

  it('expires keys, and refuses keys of banned users and unknown or malformed keys', async () => {
    const alice = await api.createUser();
    const soon = await createKey(alice, { expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await withKey(soon.key, 'GET', '/prompts')).status).toBe(200);
    await api.db.sql`update public.api_keys set expires_at = now() - interval '1 second' where id = ${soon.id}`;
    expect((await withKey(soon.key, 'GET', '/prompts')).status).toBe(401);
    expect((await alice.request('POST', '/api-keys', { name: 'old', scopes: ['chat'], expires_at: '2020-01-01T00:00:00Z' })).status).toBe(400);

    const bob = await api.createUser();
    const bobKey = await createKey(bob);
    await api.db.sql`update auth.users set banned_until = now() + interval '1 day' where id = ${bob.id}`;
    expect((await withKey(bobKey.key, 'GET', '/prompts')).status).toBe(401);

    for (const bad of ['mrp_', 'mrp_short', `mrp_${'A'.repeat(43)}`, `mrp_${'A'.repeat(42)}!`]) {
      expect((await withKey(bad, 'GET', '/prompts')).status, bad).toBe(401);
    }
  });

  it('validates creation input', async () => {
    const alice = await api.createUser();
    for (const body of [
      { name: '', scopes: ['chat'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: ['chat'], expires_at: 'tomorrow' },
      { name: 'x', scopes: ['chat'], user_id: randomUUID() },
      { name: 'x'.repeat(101), scopes: ['chat'] },
    ]) {
      expect((await alice.request('POST', '/api-keys', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.request('POST', '/api-keys', { name: 'x', scopes: ['chat'] })).status).toBe(401);
  });

  it('holds at 50 keys when many are asked for at once', async () => {
    const alice = await api.createUser();
    await api.db.sql`
      insert into public.api_keys (user_id, name, prefix, key_hash, scopes)
      select ${alice.id}, 'old ' || i, 'mrp_abcdefgh', sha256(convert_to(gen_random_uuid()::text, 'utf8')), array['chat']
        from generate_series(1, 45) i`;
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => alice.request('POST', '/api-keys', { name: `burst ${i}`, scopes: ['chat'] })));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(10).fill(409)]);
    for (const res of answers.filter((r) => r.status === 409)) expect((await res.json()).error.code).toBe('too_many_keys');
    const [{ n }] = await api.db.sql`select count(*)::int as n from public.api_keys where user_id = ${alice.id}`;
    expect(n).toBe(50);
  });
});
