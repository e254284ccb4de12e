// How a gateway stream ends when it does not end by itself: a provider that goes quiet
// mid-answer (provider_timeout), a client that leaves (the provider call is stopped), and a
// call past CHAT_TURN_MAX_MS (wall_clock_limit) — each closes the provider connection and is
// logged with what was streamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { openAiSdk } from '../../../../tests/helpers/openai-sdk.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

describe('gateway stream from a provider that goes quiet mid-answer', () => {
  let quiet: ApiHarness;
  beforeAll(async () => {
    quiet = await createApiHarness({ env: { PROVIDER_TIMEOUT_MS: '800' } });
  });
  afterAll(async () => {
    await quiet?.close();
  });

  it('ends the stream with provider_timeout after the idle time, closes the provider connection, and logs the call', async () => {
    const alice = await quiet.createUser();
    const key = (await (await alice.request('POST', '/api-keys', { name: 'gateway', scopes: ['chat'] })).json()).key as string;
    const client = openAiSdk(quiet, key);
    const release = quiet.fakeProvider.pauseAfterFirstToken();
    try {
      const stream = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Say a lot' }], stream: true });
      let text = '';
      const read = (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })();
      // The SDK raises the error event the gateway sends as an APIError.
      await expect(read).rejects.toMatchObject({ type: 'api_error', code: 'provider_timeout' });
      expect(text.length).toBeGreaterThan(0); // the first token came through before the silence
      // The provider sees its connection closed (not left open until it would have finished).
      expect(await eventually(async () => quiet.fakeProvider.requests.at(-1)?.aborted ?? null, 5_000)).toBe(true);
    } finally {
      release();
    }
    const [log] = await eventually(async () => {
      const rows = await quiet.db.sql`select status, error_code, prompt_tokens, completion_tokens from public.prompt_usage_logs where user_id = ${alice.id}`;
      return rows.length ? rows : null;
    });
    expect(log).toMatchObject({ status: 'error', error_code: 'provider_timeout' });
    // No usage chunk came: the prompt and the first token are counted by us.
    expect(log!.prompt_tokens).toBeGreaterThan(0);
    expect(log!.completion_tokens).toBeGreaterThan(0);
  });
});

describe('gateway stream whose client leaves', () => {
  it('stops the provider call (the provider sees its connection closed) and logs what was streamed', async () => {
    const alice = await api.createUser();
    const before = api.fakeProvider.requests.length;
    // 400 chunks at 20 a second: 20 s of answer, unless the gateway stops reading.
    const res = await alice.request('POST', '/v1/chat/completions', { model: 'demo/demo-model', stream: true, messages: [{ role: 'user', content: '/tokens 400 at 20/s' }] });
    expect(res.status).toBe(200);
    const logId = res.headers.get('x-mrprompt-usage-log-id')!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/"content":"[^"]/.test(text)) text += decoder.decode((await reader.read()).value); // some of the answer
    await reader.cancel(); // the client goes away
    expect(await eventually(async () => api.fakeProvider.requests[before]?.aborted ?? null)).toBe(true);
    const [log] = await eventually(async () => {
      const rows = await api.db.sql`select status, error_code, prompt_tokens, completion_tokens from public.prompt_usage_logs where id = ${logId}`;
      return rows.length ? rows : null;
    });
    expect(log).toMatchObject({ status: 'stopped', error_code: 'client_disconnected' });
    // No usage chunk came: the prompt and what was streamed until then, counted by us.
    expect(log!.prompt_tokens).toBeGreaterThan(0);
    expect(log!.completion_tokens).toBeGreaterThan(0);
    expect(log!.completion_tokens).toBeLessThan(400);
  });
});

describe('gateway calls past CHAT_TURN_MAX_MS', () => {
  let short: ApiHarness;
  beforeAll(async () => {
    short = await createApiHarness({ env: { CHAT_TURN_MAX_MS: '600' } });
  });
  afterAll(async () => {
    await short?.close();
  });

  const client = async (user: ApiUser) =>
    openAiSdk(short, (await (await user.request('POST', '/api-keys', { name: 'gateway', scopes: ['chat'] })).json()).key as string);
  const logOf = (user: ApiUser) => eventually(async () => {
    const rows = await short.db.sql`select status, error_code, prompt_tokens, completion_tokens from public.prompt_usage_logs where user_id = ${user.id}`;
    return rows.length ? rows : null;
  });

  it('end a stream with a wall_clock_limit error event, close the provider connection, and log the partial answer', async () => {
    const alice = await short.createUser();
    const before = short.fakeProvider.requests.length;
    const stream = await (await client(alice)).chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: '/tokens 400 at 20/s' }], stream: true });
    let text = '';
    const read = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })();
    // The SDK raises the gateway's error event as an APIError.
    await expect(read).rejects.toMatchObject({ type: 'api_error', code: 'wall_clock_limit', message: expect.stringContaining('Stopped after 1 s') });
    expect(text.length).toBeGreaterThan(0);
    expect(await eventually(async () => short.fakeProvider.requests[before]?.aborted ?? null)).toBe(true);
    const [log] = await logOf(alice);
    expect(log).toMatchObject({ status: 'stopped', error_code: 'wall_clock_limit' });
    expect(log!.prompt_tokens).toBeGreaterThan(0);
    expect(log!.completion_tokens).toBeGreaterThan(0);
  });

  it('answer a call without streaming that runs past it with a 502 wall_clock_limit the SDK does not retry', async () => {
    const alice = await short.createUser();
    const before = short.fakeProvider.requests.length;
    short.fakeProvider.setMode('hang');
    try {
      const sdk = await client(alice);
      const retrying = openAiSdk(short, sdk.apiKey, 2);
      await expect(retrying.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 502, code: 'wall_clock_limit' });
    } finally {
      short.fakeProvider.setMode('ok');
    }
    expect(short.fakeProvider.requests.length - before).toBe(1);
    expect(await eventually(async () => short.fakeProvider.requests[before]?.aborted ?? null)).toBe(true);
    const [log] = await logOf(alice);
    // The request was sent and may have been read: its prompt is counted.
    expect(log).toMatchObject({ status: 'error', error_code: 'wall_clock_limit', completion_tokens: 0 });
    expect(log!.prompt_tokens).toBeGreaterThan(0);
  });
});
