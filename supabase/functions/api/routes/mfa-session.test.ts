// An account with a verified second factor: the password alone (an aal1 session) reaches
// nothing through the API — every route that acts for a user answers 403 insufficient_aal
// before it does anything (no row written or deleted, no provider called with the stored key) —
// while its aal2 session, its API keys, and accounts without a factor work as before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

type Aal = 'aal1' | 'aal2';

/** A user signed in as Auth would sign them (a live session), with or without a verified factor. */
async function account(factor: boolean) {
  const user = await api.createUser();
  const session = randomUUID();
  await api.db.sql`insert into auth.sessions (id, user_id, created_at, updated_at) values (${session}, ${user.id}, now(), now())`;
  if (factor) {
    await api.db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${user.id}, 'phone', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP')`;
  }
  const tokens: Partial<Record<Aal, string>> = {};
  const at = (aal: Aal) => async (method: string, path: string, body?: unknown) => {
    tokens[aal] ??= await signAccessToken(api.keys, { sub: user.id, email: user.email, session_id: session, iss: `${api.config.supabaseUrl}/auth/v1`, aal });
    return await api.request(method, path, body, { authorization: `Bearer ${tokens[aal]}` });
  };
  return { ...user, aal1: at('aal1'), aal2: at('aal2') };
}

/** The account's data as the database holds it (superuser), to show nothing changed. */
async function footprint(userId: string) {
  const [row] = await api.db.sql`select
      (select count(*)::int from public.chat_sessions where user_id = ${userId}) as chats,
      (select count(*)::int from public.messages where user_id = ${userId}) as messages,
      (select count(*)::int from public.prompts where user_id = ${userId}) as prompts,
      (select count(*)::int from public.projects where user_id = ${userId}) as projects,
      (select count(*)::int from public.session_shares where user_id = ${userId}) as shares,
      (select count(*)::int from public.api_keys where user_id = ${userId}) as api_keys,
      (select count(*)::int from public.api_credentials where user_id = ${userId}) as credentials,
      (select count(*)::int from public.prompt_usage_logs where user_id = ${userId}) as usage,
      (select display_name from public.profiles where id = ${userId}) as name`;
  return row;
}

/** A request that passes validation, where `{}` would be refused before the route acts. */
const VALID: Record<string, { query?: string; body?: unknown }> = {
  'POST /api/chat': { body: { provider: 'demo', model: 'demo-model', message: '/echo hello' } },
  'POST /api/v1/chat/completions': { body: { model: 'demo/demo-model', messages: [{ role: 'user', content: 'hello' }] } },
  'DELETE /api/sessions': { query: '?all=true' },
  'GET /api/prompts/resolve': { query: '?name=p' },
  'GET /api/prompts/kept-in-chats': { query: `?ids=${randomUUID()}` },
};

describe('an account with a second factor, signed in with the password alone (aal1)', () => {
  it('is refused 403 insufficient_aal by every route that acts for a user, before anything is done', async () => {
    const user = await account(true);
    expect((await user.aal2('PUT', '/credentials/openai', { api_key: 'sk-test-1234567890' })).status).toBe(200);
    const [chat] = await api.db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine') returning id`;
    const [message] = await api.db.sql<{ id: string }[]>`insert into public.messages (session_id, user_id, sender, content) values (${chat!.id}, ${user.id}, 'user', 'hello') returning id`;
    const [prompt] = await api.db.sql<{ id: string }[]>`insert into public.prompts (user_id, title, content) values (${user.id}, 'p', 'Hi {{name}}') returning id`;
    await api.db.sql`insert into public.projects (user_id, name) values (${user.id}, 'work')`;
    const before = await footprint(user.id);
    const [providerCalls, fetches] = [api.fakeProvider.requests.length, api.fetches.length];

    // Every operation the API documents behind a sign-in, with the account's own ids.
    const doc = await (await api.request('GET', '/openapi.json')).json();
    const answered: string[] = [];
    for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.security) continue;
        const key = `${method.toUpperCase()} ${template}`;
        const id = template.startsWith('/api/providers/') ? 'openai' : template.startsWith('/api/prompts/') ? prompt!.id : chat!.id;
        const params: Record<string, string> = { id, provider: 'openai', message_id: message!.id, label: 'production', version: '1' };
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? randomUUID()) + (VALID[key]?.query ?? (key === 'GET /api/scores' ? `?session_id=${chat!.id}` : ''));
        const res = await user.aal1(method.toUpperCase(), path, VALID[key]?.body ?? (method === 'get' || method === 'delete' ? undefined : {}));
        const body = await res.text();
        if (res.status !== 403 || !body.includes('insufficient_aal')) answered.push(`${key}: ${res.status} ${body.slice(0, 200)}`);
      }
    }
    expect(answered).toEqual([]);
    expect(await footprint(user.id)).toEqual(before);
    expect(api.fakeProvider.requests.length).toBe(providerCalls);
    expect(api.fetches.length).toBe(fetches);
  });

  it('gets a plain 403 from the chat and the gateway, which nothing is streamed or billed for', async () => {
    const user = await account(true);
    const turn = await user.aal1('POST', '/chat', VALID['POST /api/chat']!.body);
    expect(turn.status).toBe(403);
    expect((await turn.json()).error).toEqual({ code: 'insufficient_aal', message: 'This account uses two-factor sign-in: enter the code from your authenticator app first' });
    const gateway = await user.aal1('POST', '/v1/chat/completions', VALID['POST /api/v1/chat/completions']!.body);
    expect(gateway.status).toBe(403);
    expect((await gateway.json()).error).toMatchObject({ code: 'insufficient_aal' });
    // No bucket taken either: the rate limit is in the refused statement.
    expect(await api.db.sql`select 1 from private.rate_limit_buckets where user_id = ${user.id}`).toEqual([]);
  });
});

describe('the same account at aal2, its API keys, and accounts without a factor', () => {
  it('works at aal2, and an API key minted there works with the key alone', async () => {
    const user = await account(true);
    const turn = await user.aal2('POST', '/chat', VALID['POST /api/chat']!.body);
    expect(turn.status).toBe(200);
    expect((await readSse(turn)).map((e) => e.event)).toContain('done');
    expect((await (await user.aal2('GET', '/sessions')).json()).sessions).toHaveLength(1);
    expect((await user.aal2('GET', '/me/export')).status).toBe(200);
    expect((await user.aal2('GET', '/budget')).status).toBe(200);

    const minted = await user.aal2('POST', '/api-keys', { name: 'ci', scopes: ['chat', 'prompts:read'] });
    expect(minted.status).toBe(201);
    const { key } = await minted.json();
    const byKey = (method: string, path: string, body?: unknown) => api.request(method, path, body, { authorization: `Bearer ${key}` });
    await user.aal2('POST', '/prompts', { title: 'Greeting', content: 'Hello {{name}}' });
    const prompts = await byKey('GET', '/prompts?scope=mine');
    expect((await prompts.json()).prompts.map((p: { title: string }) => p.title)).toEqual(['Greeting']);
    // The key's turn continues the chat made at aal2 (its history is read as the account).
    const [chat] = await api.db.sql<{ id: string }[]>`select id from public.chat_sessions where user_id = ${user.id}`;
    const keyTurn = await byKey('POST', '/chat', { ...VALID['POST /api/chat']!.body as object, session_id: chat!.id });
    expect(keyTurn.status).toBe(200);
    expect((await readSse(keyTurn)).map((e) => e.event)).toContain('done');
    const [{ n }] = await api.db.sql`select count(*)::int as n from public.messages where session_id = ${chat!.id}`;
    expect(n).toBe(4);
  });

  it('an account without a verified factor works at aal1', async () => {
    const user = await account(false);
    const turn = await user.aal1('POST', '/chat', VALID['POST /api/chat']!.body);
    expect(turn.status).toBe(200);
    await readSse(turn);
    expect((await (await user.aal1('GET', '/sessions')).json()).sessions).toHaveLength(1);
    expect((await user.aal1('POST', '/api-keys', { name: 'ci', scopes: ['chat'] })).status).toBe(201);
    expect((await user.aal1('GET', '/budget')).status).toBe(200);
    expect((await user.aal1('GET', '/me/export')).status).toBe(200);
    expect((await user.aal1('DELETE', '/sessions?all=true')).status).toBeLessThan(300);
  });
});
