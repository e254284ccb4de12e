// A token whose Auth session has been signed out (another device's "Sign out of other
// devices", a password reset) is refused with 401 session_ended, though it is still
// unexpired; the session's other requests and other sessions carry on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../local/src/keys/index.ts';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

describe('a signed-out session', () => {
  it("is refused with 401 session_ended at once, while the user's other session works on", async () => {
    const alice = await api.createUser();
    const [here, elsewhere] = [randomUUID(), randomUUID()];
    await api.db.sql`insert into auth.sessions (id, user_id, created_at, updated_at) values (${here}, ${alice.id}, now(), now()), (${elsewhere}, ${alice.id}, now(), now())`;
    const tokenFor = (session: string) => signAccessToken(api.keys, { sub: alice.id, email: alice.email, session_id: session, iss: `${api.config.supabaseUrl}/auth/v1` });
    const as = async (session: string, method: string, path: string, body?: unknown) =>
      await api.app.request(`/api${path}`, {
        method,
        headers: { authorization: `Bearer ${await tokenFor(session)}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    expect((await as(elsewhere, 'POST', '/sessions', { title: 'Before' })).status).toBe(201);
    expect((await as(here, 'GET', '/sessions')).status).toBe(200);

    // "Sign out of other devices" from `here`: Auth deletes the other session's row.
    await api.db.sql`delete from auth.sessions where user_id = ${alice.id} and id <> ${here}`;
    for (const [method, path, body] of [['GET', '/sessions'], ['POST', '/sessions', { title: 'After' }], ['GET', '/me'], ['GET', '/me/summary'], ['GET', '/me/password']] as const) {
      const res = await as(elsewhere, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await res.json()).error).toEqual({ code: 'session_ended', message: 'This session has been signed out; sign in again' });
    }
    // Writes made on the owner connection, past RLS, are refused too: no API key minted to
    // outlast the sign-out, no provider key replaced, no gateway call on the stored key.
    const owned = [
      ['POST', '/api-keys', { name: 'keep access', scopes: ['chat'] }],
      ['PUT', '/credentials/openai', { api_key: `sk-test-${randomUUID()}` }],
      ['POST', '/v1/chat/completions', { model: 'demo/demo-model', messages: [{ role: 'user', content: 'hi' }] }],
    ] as const;
    for (const [method, path, body] of owned) {
      const res = await as(elsewhere, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(JSON.stringify(await res.json()), `${method} ${path}`).toContain('session_ended');
    }
    expect(await api.db.sql`select 1 from public.api_keys where user_id = ${alice.id}`).toHaveLength(0);
    expect(await api.db.sql`select 1 from public.api_credentials where user_id = ${alice.id}`).toHaveLength(0);
    expect((await as(here, 'POST', '/api-keys', { name: 'mine', scopes: ['chat'] })).status).toBe(201);

    // A chat turn is refused before any provider is called (the gate checks the session too).
    const calls = api.fakeProvider.requests.length;
    const turn = await as(elsewhere, 'POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo still here?' });
    expect(turn.status).toBe(401);
    expect((await turn.json()).error.code).toBe('session_ended');
    expect(api.fakeProvider.requests.length).toBe(calls);
    const listed = await (await as(here, 'GET', '/sessions')).json();
    expect(listed.sessions.map((s: { title: string }) => s.title)).toEqual(['Before']);

    // Reads that call a provider with the stored key are refused before the provider is asked:
    // a model list (on the owner connection) and the gateway's models (read as the user).
    expect((await as(here, 'PUT', '/credentials/custom', { api_key: `sk-test-${randomUUID()}`, base_url: api.fakeProvider.url })).status).toBe(200);
    const asked = api.fakeProvider.requests.length;
    for (const path of ['/providers/custom/models', '/providers/demo/models', '/v1/models']) {
      const res = await as(elsewhere, 'GET', path);
      expect(res.status, path).toBe(401);
      expect(JSON.stringify(await res.json()), path).toContain('session_ended');
    }
    expect(api.fakeProvider.requests.length).toBe(asked);
    expect((await as(here, 'GET', '/providers/custom/models')).status).toBe(200);
    expect(api.fakeProvider.requests.length).toBe(asked + 1);

    // A session that has ended by time (Auth's time-box, `not_after`) is refused the same way.
    await api.db.sql`update auth.sessions set not_after = now() - interval '1 second' where id = ${here}`;
    expect((await as(here, 'GET', '/sessions')).status).toBe(401);
  });
});
