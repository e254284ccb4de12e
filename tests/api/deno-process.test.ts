// The API's main flows again, through the real Deno process behind the local gateway
// (/functions/v1/api/*), with users signed in through the local auth server. Also measures
// how much later the client sees the first token than the fake provider sent it.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { functionsDirWithEnv } from '../faults/helpers.ts';
import { eventually, readSse } from '../helpers/api.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let provider: FakeProvider;
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
// Everything the stack printed, including the function's stdout/stderr (its JSON logs).
const logLines: string[] = [];
beforeAll(async () => {
  provider = await startFakeProvider({ tokens: 40, tokenDelayMs: 10 });
  // The custom provider below is on loopback: opt in through supabase/functions/.env, as an
  // operator running Ollama locally would (npm start leaves private URLs refused).
  functionsDir = await functionsDirWithEnv({ ALLOW_PRIVATE_PROVIDER_URLS: 'true' });
  stack = await startTestStack({ demoProvider: true, functionsDir: functionsDir.dir, log: (line) => logLines.push(line) });
});
afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
  await functionsDir?.remove();
});

async function signUp() {
  const supabase = stack.client();
  const { data, error } = await supabase.auth.signUp({ email: testEmail('api'), password: TEST_PASSWORD });
  if (error || !data.session) throw error ?? new Error('no session after sign-up');
  const token = data.session.access_token;
  const request = (method: string, path: string, body?: unknown, init: RequestInit = {}) =>
    fetch(`${stack.apiUrl}/functions/v1/api${path}`, {
      method,
      ...init,
      headers: { authorization: `Bearer ${token}`, apikey: stack.keys.publishableKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { id: data.session.user.id, token, request };
}

describe('the API in Deno behind the gateway', () => {
  it('answers health and refuses requests without a user token', async () => {
    const user = await signUp();
    const health = await user.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    const anon = await fetch(`${stack.apiUrl}/functions/v1/api/credentials`, { headers: { authorization: `Bearer ${stack.keys.anonKey}` } });
    expect(anon.status).toBe(401);
    expect((await (await user.request('GET', '/openapi.json')).json()).openapi).toBe('3.1.0');
  });

  it('serves its docs and OpenAPI document without a token; every data route verifies the caller itself', async () => {
    const docs = await fetch(`${stack.apiUrl}/functions/v1/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('./openapi.json');
    const spec = await fetch(`${stack.apiUrl}/functions/v1/api/openapi.json`);
    expect((await spec.json()).openapi).toBe('3.1.0');
    for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }, { apikey: stack.keys.publishableKey }] as Record<string, string>[]) {
      const refused = await fetch(`${stack.apiUrl}/functions/v1/api/sessions`, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('stores a key, streams a chat through it, and measures first-token overhead', async () => {
    const user = await signUp();
    const key = `sk-deno-${crypto.randomUUID()}`;
    const put = await user.request('PUT', '/credentials/custom', { api_key: key, base_url: provider.url });
    expect(put.status).toBe(200);
    expect(await put.text()).not.toContain(key);

    const overheads: number[] = [];
    let sessionId: string | undefined;
    for (let i = 0; i < 9; i++) {
      const before = provider.requests.length;
      const res = await user.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: `question ${i}`, session_id: sessionId });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events = await readSse(res);
      sessionId = events[0].data.session_id;
      expect(events.at(-1)?.event).toBe('done');
      const firstDelta = events.find((e) => e.event === 'delta');
      const sent = provider.requests[before];
      expect(sent.authorization).toBe(`Bearer ${key}`);
      if (firstDelta && sent.firstTokenAt) overheads.push(firstDelta.at - sent.firstTokenAt);
    }
    const sorted = [...overheads].sort((a, b) => a - b);
    console.log(`first-token overhead through gateway + Deno (ms): median ${sorted[4].toFixed(2)}, min ${sorted[0].toFixed(2)}, max ${sorted[8].toFixed(2)}`);
    const rows = await stack.db.sql`select sender, status from public.messages where session_id = ${sessionId!} order by created_at`;
    expect(rows).toHaveLength(18);
    expect(rows.every((r) => r.status === 'complete')).toBe(true);
  });

  it("lists the custom endpoint's own models to the openai SDK, and no Ollama never set up", async () => {
    const user = await signUp();
    await user.request('PUT', '/credentials/custom', { api_key: `sk-models-${crypto.randomUUID()}`, base_url: provider.url });
    const created = await user.request('POST', '/api-keys', { name: 'sdk', scopes: ['chat'] });
    const client = new OpenAI({ apiKey: (await created.json()).key, baseURL: `${stack.apiUrl}/functions/v1/api/v1`, maxRetries: 0 });
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['custom/fake-model', 'demo/demo-model', 'demo/demo-text-model']);
    expect(await client.models.retrieve('custom/fake-model')).toMatchObject({ id: 'custom/fake-model', owned_by: 'custom' });
    await expect(client.models.retrieve('ollama/llama3.2')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect((await client.chat.completions.create({ model: 'custom/fake-model', messages: [{ role: 'user', content: 'hi' }] })).model).toBe('custom/fake-model');
  });

  it('chats with the demo provider without any key', async () => {
    const user = await signUp();
    const events = await readSse(await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo hello from deno' }));
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe('hello from deno');
  });

  it('finishes the answer when the client goes away, and stops it from another request', async () => {
    const user = await signUp();
    await user.request('PUT', '/credentials/custom', { api_key: 'sk-abort-test-0000', base_url: provider.url });
    const before = provider.requests.length;
    const controller = new AbortController();
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const res = await user.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: `/echo ${words}` }, { signal: controller.signal });
    const events = await readSse(res, (e) => e.event === 'delta');
    controller.abort();
    const assistantId = events[0].data.assistant_message_id;
    const row = await eventually(async () => {
      const [r] = await stack.db.sql`select status, content from public.messages where id = ${assistantId}`;
      return r?.status === 'streaming' ? null : r;
    });
    expect(row).toEqual({ status: 'complete', content: words });
    expect(provider.requests[before]?.aborted).toBeFalsy();

    // Stop, sent as a separate request while the answer streams (held after its first token).
    const release = provider.pauseAfterFirstToken();
    const long = await user.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: 'long please' });
    const started = await readSse(long, (e) => e.event === 'delta');
    const id = started[0].data.assistant_message_id;
    const stop = await user.request('POST', `/chat/${id}/stop`);
    expect(await stop.json()).toEqual({ assistant_message_id: id, status: 'stopped' });
    await eventually(async () => provider.requests.at(-1)?.aborted === true);
    release();
    const [stopped] = await stack.db.sql`select status, error_code from public.messages where id = ${id}`;
    expect(stopped).toEqual({ status: 'stopped', error_code: 'stopped_by_user' });
  });

  it('reports a provider failure as an error event', async () => {
    const user = await signUp();
    await user.request('PUT', '/credentials/custom', { api_key: 'sk-bad-key-0000', base_url: provider.url });
    provider.setMode('401');
    try {
      const events = await readSse(await user.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: 'hi' }));
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'provider_auth' } });
    } finally {
      provider.setMode('ok');
    }
  });

  it('logs requests as JSON and never a key', async () => {
    const user = await signUp();
    const key = `sk-logged-${crypto.randomUUID()}`;
    await user.request('PUT', '/credentials/custom', { api_key: key, base_url: provider.url });
    await readSse(await user.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: 'hi' }));
    await eventually(async () => logLines.some((line) => line.includes('"msg":"request"') && line.includes(user.id)));
    expect(logLines.join('\n')).not.toContain(key);
  });

  it('keeps other users out', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const events = await readSse(await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo private' }));
    const res = await bob.request('POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: events[0].data.session_id, message: 'hi' });
    expect(res.status).toBe(404);
    expect((await bob.request('DELETE', '/credentials/custom')).status).toBe(404);
  });
});
