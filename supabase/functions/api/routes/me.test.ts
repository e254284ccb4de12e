// /api/me: profile read and edit, the full export (everything, never a key or ciphertext)
// and account deletion (every row gone, other users untouched).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../local/src/keys/index.ts';
import { asActor, PERMISSION_DENIED } from '../../../../tests/helpers/actors.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** A user with one of everything: key, project, session with messages, prompt with versions and a label, usage. */
async function populate(user: ApiUser) {
  const apiKey = `sk-test-${randomUUID()}`;
  expect((await user.request('PUT', '/credentials/openai', { api_key: apiKey })).status).toBeLessThan(300);
  const prompt = await (await user.request('POST', '/prompts', { title: 'Mine', content: 'v1 {{x}}', is_public: true })).json();
  await user.request('PATCH', `/prompts/${prompt.id}`, { content: 'v2 {{x}}', config: { model: 'gpt-4o-mini', temperature: 0.3 } });
  await user.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 1, locked: true });
  const project = await (await user.request('POST', '/projects', { name: 'Proj', system_prompt_id: prompt.id, system_prompt_variables: { x: 'one' } })).json();
  const session = await (await user.request('POST', '/sessions', { title: 'Chat', project_id: project.id })).json();
  const messageId = randomUUID();
  await api.db.sql`
    insert into public.messages (id, session_id, user_id, sender, content) values
      (${messageId}, ${session.id}, ${user.id}, 'user', 'hello there'),
      (${randomUUID()}, ${session.id}, ${user.id}, 'assistant', 'general kenobi')`;
  await api.db.sql`
    insert into public.prompt_usage_logs (user_id, provider, model, status, prompt_id, prompt_version, session_id, message_id, latency_ms)
    values (${user.id}, 'openai', 'gpt-4o-mini', 'success', ${prompt.id}, 2, ${session.id}, ${messageId}, 120)`;
  return { apiKey, prompt, project, session };
}

/** How many rows in each table belong to the user (as the database owner sees it). */
async function rowCounts(userId: string) {
  const [row] = await api.db.sql`
    select
      (select count(*) from auth.users where id = ${userId})::int as users,
      (select count(*) from auth.identities where user_id = ${userId})::int as identities,
      (select count(*) from public.profiles where id = ${userId})::int as profiles,
      (select count(*) from public.api_credentials where user_id = ${userId})::int as credentials,
      (select count(*) from public.projects where user_id = ${userId})::int as projects,
      (select count(*) from public.chat_sessions where user_id = ${userId})::int as sessions,
      (select count(*) from public.messages where user_id = ${userId})::int as messages,
      (select count(*) from public.prompts where user_id = ${userId})::int as prompts,
      (select count(*) from public.prompt_versions v join public.prompts p on p.id = v.prompt_id where p.user_id = ${userId})::int as versions,
      (select count(*) from public.prompt_labels l join public.prompts p on p.id = l.prompt_id where p.user_id = ${userId})::int as labels,
      (select count(*) from public.prompt_usage_logs where user_id = ${userId})::int as usage`;
  return row;
}

describe('me', () => {
  it('returns the profile with the email from the token', async () => {
    const alice = await api.createUser({ metadata: { display_name: 'Alice' } });
    const res = await alice.request('GET', '/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: alice.id,
      email: alice.email,
      display_name: 'Alice',
      avatar_url: null,
      role: 'user',
      custom_instructions: '',
      preferences: {},
    });
  });

  it('updates profile fields and merges preferences, null clearing one', async () => {
    const alice = await api.createUser();
    const first = await alice.request('PATCH', '/me', {
      display_name: ' Ada ',
      avatar_url: 'https://example.com/a.png',
      custom_instructions: 'Answer briefly.',
      preferences: { default_provider: 'openai', default_model: 'gpt-4o-mini', theme: 'dark' },
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ display_name: 'Ada', avatar_url: 'https://example.com/a.png', custom_instructions: 'Answer briefly.' });
    const second = await (await alice.request('PATCH', '/me', { preferences: { theme: null, default_model: 'gpt-4o' }, avatar_url: null })).json();
    expect(second.preferences).toEqual({ default_provider: 'openai', default_model: 'gpt-4o' });
    expect(second).toMatchObject({ avatar_url: null, display_name: 'Ada', custom_instructions: 'Answer briefly.' });
  });

  it('sums up in one read what every page shows: the saved theme (null until chosen) and the budget', async () => {
    const alice = await api.createUser();
    expect(await (await alice.request('GET', '/me/summary')).json()).toMatchObject({ theme: null, budget: { state: 'none', monthly_budget_usd: null, spent_usd: 0 } });
    await alice.request('PATCH', '/me', { preferences: { theme: 'light' } });
    await alice.request('PUT', '/budget', { monthly_budget_usd: 5 });
    expect(await (await alice.request('GET', '/me/summary')).json()).toMatchObject({ theme: 'light', budget: { state: 'ok', monthly_budget_usd: 5 } });
    // A stored value the API would not write (edited in the database) reads as no choice.
    await api.db.sql`update public.profiles set preferences = preferences || '{"theme":"neon"}' where id = ${alice.id}`;
    expect((await (await alice.request('GET', '/me/summary')).json()).theme).toBeNull();
  });

  it("says whether the caller has a password, from Auth's stored one rather than the account's identities", async () => {
    const alice = await api.createUser();
    expect(await (await alice.request('GET', '/me/password')).json()).toEqual({ has_password: true });
    // An account single sign-on made ('' as GoTrue stores it) that got an `email` identity when
    // its address changed: still no password.
    const sso = await api.createUser();
    await api.db.sql`update auth.users set encrypted_password = '' where id = ${sso.id}`;
    expect(await (await sso.request('GET', '/me/password')).json()).toEqual({ has_password: false });
    expect(await (await alice.request('GET', '/me/password')).json()).toEqual({ has_password: true });
  });

  it('refuses role changes, unknown fields and bad values with 400', async () => {
    const alice = await api.createUser();
    for (const body of [
      {},
      { role: 'admin' },
      { display_name: '' },
      { display_name: 'x'.repeat(101) },
      { avatar_url: 'javascript:alert(1)' },
      { avatar_url: 'ftp://example.com/a.png' },
      { custom_instructions: 'x'.repeat(8001) },
      { custom_instructions: 'nul \u0000' },
      { display_name: 'nul \u0000' },
      { preferences: { theme: 'neon' } },
      { preferences: { default_provider: 'Not A Provider' } },
      { preferences: { colour: 'red' } },
      { preferences: 'dark' },
    ]) {
      const res = await alice.request('PATCH', '/me', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    expect((await (await alice.request('GET', '/me')).json()).role).toBe('user');
  });

  it('exports everything the user owns as an attachment, without keys or ciphertext', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const { apiKey, prompt, project, session } = await populate(alice);
    await populate(bob);
    expect((await alice.request('PATCH', `/sessions/${session.id}`, { pinned: true })).status).toBe(200);

    const res = await alice.request('GET', '/me/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="mrprompt-export-\d{4}-\d{2}-\d{2}\.json"$/);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data).toMatchObject({ format: 'mrprompt-export/1', user: { id: alice.id, email: alice.email }, profile: { id: alice.id } });
    expect(data.credentials).toEqual([expect.objectContaining({ provider: 'openai', key_hint: expect.stringMatching(new RegExp(`${apiKey.slice(-4)}$`)) })]);
    expect(data.projects).toEqual([expect.objectContaining({ id: project.id, system_prompt_id: prompt.id })]);
    expect(data.sessions).toHaveLength(1);
    expect(data.sessions[0]).toMatchObject({ id: session.id, title: 'Chat', pinned_at: expect.any(String), archived_at: null });
    expect(data.sessions[0].messages.map((m: { content: string }) => m.content)).toEqual(['hello there', 'general kenobi']);
    expect(data.prompts).toHaveLength(1);
    expect(data.prompts[0].versions.map((v: { version: number; content: string }) => [v.version, v.content])).toEqual([
      [1, 'v1 {{x}}'],
      [2, 'v2 {{x}}'],
    ]);
    expect(data.prompts[0].labels).toEqual([expect.objectContaining({ label: 'production', version: 1, locked: true })]);
    // What makes a prompt usable elsewhere goes with it: its name and each version's model settings.
    expect(data.prompts[0]).toMatchObject({ name: 'mine', config: { model: 'gpt-4o-mini', temperature: 0.3 } });
    expect(data.prompts[0].versions.map((v: { config: unknown }) => v.config)).toEqual([{}, { model: 'gpt-4o-mini', temperature: 0.3 }]);
    // Cost (exact, as text) and the token split go with each call.
    expect(data.usage_logs).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', prompt_version: 2, cost_usd: null, cached_tokens: null, attachment_tokens: 0 })]);

    const [{ encrypted_key }] = await api.db.sql`select encrypted_key from public.api_credentials where user_id = ${alice.id}`;
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain(encrypted_key);
    expect(text).not.toContain('encrypted_key');
    expect(text).not.toContain(bob.id);
  });

  it('deletes the account and every row it owned, leaving other users intact', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const { prompt } = await populate(alice);
    await populate(bob);
    // Bob forked Alice's public prompt and uses it as a project's system prompt.
    const fork = await (await bob.request('POST', `/prompts/${prompt.id}/fork`)).json();
    const bobProject = await (await bob.request('POST', '/projects', { name: 'Uses Alice', system_prompt_id: prompt.id, system_prompt_variables: { x: 'one' } })).json();
    const bobBefore = await rowCounts(bob.id);

    const res = await alice.request('DELETE', '/me');
    expect(res.status).toBe(204);
    expect(Object.values(await rowCounts(alice.id)).every((n) => n === 0)).toBe(true);
    expect(await rowCounts(bob.id)).toEqual(bobBefore);
    expect(await (await bob.request('GET', `/prompts/${fork.id}`)).json()).toMatchObject({ forked_from: null });
    expect(await (await bob.request('GET', `/projects/${bobProject.id}`)).json()).toMatchObject({ system_prompt_id: null });

    // The still-unexpired token now finds nothing and can create nothing.
    expect((await alice.request('GET', '/me')).status).toBe(404);
    expect((await alice.request('DELETE', '/me')).status).toBe(404);
    for (const [path, body] of [['/prompts', { title: 't', content: 'c' }], ['/projects', { name: 'n' }], ['/sessions', {}]] as const) {
      const res = await alice.request('POST', path, body);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });

  it('deletes an account with two-factor sign-in only from a session that used the second factor', async () => {
    const alice = await api.createUser();
    await populate(alice);
    await api.db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${alice.id}, 'phone', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP')`;
    const at = async (aal: 'aal1' | 'aal2') => {
      const token = await signAccessToken(api.keys, { sub: alice.id, email: alice.email, iss: `${api.config.supabaseUrl}/auth/v1`, aal });
      return api.request('DELETE', '/me', undefined, { authorization: `Bearer ${token}` });
    };
    const before = await rowCounts(alice.id);
    const refused = await at('aal1');
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: 'insufficient_aal', message: expect.stringMatching(/authenticator app/) });
    expect(await rowCounts(alice.id)).toEqual(before);
    expect((await at('aal2')).status).toBe(204);
    expect((await rowCounts(alice.id)).users).toBe(0);
  });

  it('keeps the privileged delete out of reach of every API role', async () => {
    const alice = await api.createUser();
    const mallory = await api.createUser();
    for (const actor of [mallory, 'anon', 'service_role'] as const) {
      await expect(asActor(api.db.sql, actor, (tx) => tx`select private.delete_account(${alice.id}::uuid)`)).rejects.toThrow(PERMISSION_DENIED);
    }
    expect((await alice.request('GET', '/me')).status).toBe(200);
  });

  it('requires a token', async () => {
    for (const [method, path] of [['GET', '/me'], ['PATCH', '/me'], ['DELETE', '/me'], ['GET', '/me/export'], ['GET', '/me/summary'], ['GET', '/me/password']]) {
      expect((await api.request(method, path, method === 'PATCH' ? { display_name: 'x' } : undefined)).status).toBe(401);
    }
  });
});
