// The OpenAI-compatible gateway driven by the official `openai` SDK pointed at it with
// baseURL: models, a completion (not streamed and streamed), a library prompt applied by
// name@label with variables, every call in the usage log with tokens, latency, cost and
// prompt version (our own count where the provider sent no usage); API-key scope, budget and
// bad requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import OpenAI from 'openai';
import { openAiSdk } from '../../../../tests/helpers/openai-sdk.ts';
import { FAKE_RATE_LIMIT_HEADERS } from '../../../../local/src/demo-provider.ts';
import { countTokensLazily } from '../lib/tokens.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const sdk = (apiKey: string, maxRetries = 0) => openAiSdk(api, apiKey, maxRetries);

async function keyFor(user: ApiUser, scopes = ['chat']) {
  return (await (await user.request('POST', '/api-keys', { name: 'gateway', scopes })).json()).key as string;
}

/** Mr.Prompt's extension fields, sent as the SDK sends any extra body field. */
type WithPrompt<T> = T & { prompt?: string; variables?: Record<string, string | number | boolean> };
const ask = (extra: { prompt?: string; variables?: Record<string, string> }): WithPrompt<OpenAI.ChatCompletionCreateParamsNonStreaming> => ({
  model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }], ...extra,
});

const logsOf = (user: ApiUser) =>
  api.db.sql`select provider, model, status, prompt_id, prompt_version, prompt_tokens, completion_tokens, latency_ms, tokens_estimated, cost_usd::float8 as cost
               from public.prompt_usage_logs where user_id = ${user.id} order by executed_at`;

describe('gateway with the openai SDK', () => {
  it('lists models and completes without streaming; the call is logged with tokens, latency and cost', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('demo/demo-model');
    expect(models.data.every((m) => m.id.includes('/'))).toBe(true);
    expect(await client.models.retrieve('demo/demo-model')).toMatchObject({ id: 'demo/demo-model', object: 'model', owned_by: 'demo' });
    // A provider without a stored key is not among the caller's models.
    await expect(client.models.retrieve('openai/gpt-4o-mini')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });

    const completion = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('demo/demo-model');
    expect(completion.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    const [log] = await logsOf(alice);
    expect(log).toMatchObject({ provider: 'demo', model: 'demo-model', status: 'success', tokens_estimated: false, prompt_id: null, completion_tokens: completion.usage?.completion_tokens });
    expect(log.cost).toBeCloseTo((log.prompt_tokens * 1 + log.completion_tokens * 2) / 1e6, 12);
    expect(log.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('streams chunks the SDK reads as usual, and applies a library prompt by name@label with variables', async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', {
      title: 'Support reply', name: 'support-reply', content: 'You answer {{customer}} in a {{tone:enum(kind,brief)|kind}} tone.', config: { temperature: 0.3 },
    })).json();
    await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Version two for {{customer}}' });
    await alice.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 1 });
    const client = sdk(await keyFor(alice));

    const streamed: WithPrompt<OpenAI.ChatCompletionCreateParamsStreaming> = {
      model: 'demo/demo-model',
      messages: [{ role: 'user', content: 'Where is my order?' }],
      stream: true,
      stream_options: { include_usage: true },
      prompt: 'support-reply@production',
      variables: { customer: 'Ada', tone: 'brief' },
    };
    const stream = await client.chat.completions.create(streamed);
    let text = '';
    let usage: OpenAI.CompletionUsage | null = null;
    for await (const chunk of stream) {
      expect(chunk.model).toBe('demo/demo-model');
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const sent = api.fakeProvider.requests.at(-1)?.body as { messages: { role: string; content: string }[]; temperature?: number };
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'You answer Ada in a brief tone.' });
    expect(sent.temperature).toBe(0.3);
    const [log] = await eventually(async () => {
      const rows = await logsOf(alice);
      return rows.length ? rows : null;
    });
    expect(log).toMatchObject({ status: 'success', prompt_id: prompt.id, prompt_version: 1, completion_tokens: usage?.completion_tokens });
    expect(log.cost).toBeGreaterThan(0);
    expect((usage as unknown as { cost_usd: number }).cost_usd).toBeCloseTo(log.cost, 12);

    // A numbered version instead of the label (what the playground sends).
    await client.chat.completions.create({ ...ask({ prompt: 'support-reply', variables: { customer: 'Cy' } }), prompt_version: 1 } as WithPrompt<OpenAI.ChatCompletionCreateParamsNonStreaming>);
    expect((api.fakeProvider.requests.at(-1)?.body as { messages: { content: string }[] }).messages[0].content).toBe('You answer Cy in a kind tone.');

    // The header form, a wrong variable (422 naming it) and an unknown prompt (404).
    await client.chat.completions.create(ask({ variables: { customer: 'Bob' } }), { headers: { 'x-mrprompt-prompt': 'support-reply' } });
    expect((api.fakeProvider.requests.at(-1)?.body as { messages: { content: string }[] }).messages[0].content).toBe('Version two for Bob');
    await expect(client.chat.completions.create(ask({ prompt: 'support-reply@production', variables: { customer: 'Ada', tone: 'rude' } }))).rejects.toMatchObject({ status: 422 });
    await expect(client.chat.completions.create(ask({ prompt: 'nope' }))).rejects.toMatchObject({ status: 404 });
  });

  it('dates each model from when the caller stored its provider key (0 for a provider that needs none)', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const before = Math.floor(Date.now() / 1000);
    expect((await alice.request('PUT', '/credentials/openai', { api_key: 'sk-test-created-1234' })).status).toBe(200);
    const models = (await client.models.list()).data;
    const gpt = models.find((m) => m.id === 'openai/gpt-4o-mini');
    expect(gpt?.created).toBeGreaterThanOrEqual(before - 1);
    expect(gpt?.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect((await client.models.retrieve('openai/gpt-4o-mini')).created).toBe(gpt?.created);
    expect(models.find((m) => m.id === 'demo/demo-model')?.created).toBe(0);
  });

  it("passes the provider's x-ratelimit-* headers on, streamed or not, and with a 429", async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const limits = (headers: Headers) => Object.fromEntries([...headers].filter(([name]) => name.startsWith('x-ratelimit-')));
    for (const stream of [false, true]) {
      const { data, response } = await client.chat.completions
        .create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }], stream: stream as false })
        .withResponse();
      if (stream) for await (const _ of data as unknown as AsyncIterable<unknown>);
      expect(limits(response.headers), `stream: ${stream}`).toEqual(FAKE_RATE_LIMIT_HEADERS);
    }
    api.fakeProvider.setMode('429');
    try {
      for (const stream of [false, true]) {
        const error = (await client.chat.completions
          .create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], stream: stream as false })
          .then(() => null, (e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
        expect(error).toBeInstanceOf(OpenAI.RateLimitError);
        expect(limits(error.headers!), `429, stream: ${stream}`).toEqual({ ...FAKE_RATE_LIMIT_HEADERS, 'x-ratelimit-remaining-requests': '0' });
      }
    } finally {
      api.fakeProvider.setMode('ok');
    }
  });

  it('names the usage log of a streamed call in its headers, so the app can rate it once the stream ends', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    const id = response.headers.get('x-mrprompt-usage-log-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    for await (const _ of stream);
    // Straight after the last chunk: the row is written before [DONE].
    const rated = await alice.request('PUT', '/scores', { usage_log_id: id, rating: 'up', comment: 'Streamed well' });
    expect(rated.status).toBe(200);
    expect(await rated.json()).toMatchObject({ usage_log_id: id, rating: 'up' });
    const [row] = await api.db.sql`select status, completion_tokens from public.prompt_usage_logs where id = ${id}`;
    expect(row).toMatchObject({ status: 'success' });
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it('forwards OpenAI parameters it does not use itself (tools, JSON mode, seed, …) to the provider', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } }];
    const asked = {
      tools, tool_choice: 'auto', parallel_tool_calls: false, response_format: { type: 'json_object' }, seed: 7, n: 2,
      presence_penalty: 0.5, frequency_penalty: -0.5, logit_bias: { '50256': -100 }, logprobs: true, top_logprobs: 2, user: 'customer-42',
    } as const;
    for (const stream of [false, true]) {
      const answer = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Where is my order?' }], ...asked, stream });
      if (stream) for await (const _ of answer as AsyncIterable<unknown>);
      expect(api.fakeProvider.requests.at(-1)?.body, `stream: ${stream}`).toMatchObject(asked);
    }
    await expect(client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], presence_penalty: 3 })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses keys without the chat scope, bad models, and calls past the budget (402, no provider call)', async () => {
    const alice = await api.createUser();
    await expect(sdk(await keyFor(alice, ['prompts:read'])).models.list()).rejects.toMatchObject({ status: 403 });
    await expect(sdk('mrp_not-a-key').models.list()).rejects.toMatchObject({ status: 401 });
    const client = sdk(await keyFor(alice));
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400 });
    await expect(client.chat.completions.create({ model: 'nope/x', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
    await expect(client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 422 });
    await alice.request('PUT', '/budget', { monthly_budget_usd: 0 });
    const before = api.fakeProvider.requests.length;
    await expect(client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 402 });
    expect(api.fakeProvider.requests.length).toBe(before);
  });

  it('answers errors as OpenAI shapes them, so the SDK reads err.type and err.param; the rest of the API keeps its shape', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    const hi = (extra: object) => client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], ...extra });
    await expect(hi({ presence_penalty: 3 })).rejects.toMatchObject({ status: 400, type: 'invalid_request_error', param: 'presence_penalty', code: 'invalid_request' });
    await expect(hi({ messages: [{ role: 'nobody', content: 'x' }] })).rejects.toMatchObject({ type: 'invalid_request_error', param: 'messages.0.role' });
    await expect(hi({ prompt: 'Not A Name' })).rejects.toMatchObject({ type: 'invalid_request_error', param: 'prompt' });
    await expect(sdk('mrp_not-a-key').models.list()).rejects.toMatchObject({ status: 401, type: 'authentication_error', param: null, code: 'unauthorized' });
    await expect(sdk(await keyFor(alice, ['prompts:read'])).models.list()).rejects.toMatchObject({ type: 'permission_error', code: 'insufficient_scope' });
    await expect(client.models.retrieve('openai/gpt-4o-mini')).rejects.toMatchObject({ type: 'not_found_error', param: null, code: 'model_not_found' });
    // Text past the request body's limit (MAX_BODY_BYTES, 256 KiB here), as the document says.
    await expect(hi({ messages: [{ role: 'user', content: 'x'.repeat(300_000) }] })).rejects.toMatchObject({ status: 413, type: 'invalid_request_error', code: 'payload_too_large' });
    await alice.request('PUT', '/budget', { monthly_budget_usd: 0 });
    await expect(hi({})).rejects.toMatchObject({ status: 402, type: 'insufficient_quota', code: 'budget_exceeded' });
    // A route outside /v1 answers { error: { code, message } } as before.
    const res = await alice.request('POST', '/prompts', { title: '' });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()).error).sort()).toEqual(['code', 'message']);
  });

  it('answers a provider failure the openai SDK can act on: 404/400 for what the request got wrong, no retry of a refused key', async () => {
    const alice = await api.createUser();
    // The SDK's default: up to 2 retries of a 408, 409, 429 or 5xx.
    const client = sdk(await keyFor(alice), 2);
    const cases = [['404', OpenAI.NotFoundError, 'provider_not_found'], ['400', OpenAI.BadRequestError, 'provider_rejected'], ['401', OpenAI.InternalServerError, 'provider_auth']] as const;
    for (const [mode, type, code] of cases) {
      const before = api.fakeProvider.requests.length;
      api.fakeProvider.setMode(mode);
      try {
        for (const stream of [false, true]) {
          const call = client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], stream });
          await expect(call, `${mode}, stream: ${stream}`).rejects.toBeInstanceOf(type);
          await expect(call).rejects.toMatchObject({ code });
        }
      } finally {
        api.fakeProvider.setMode('ok');
      }
      expect(api.fakeProvider.requests.length - before, `provider calls for ${mode}`).toBe(2);
    }
  });

  it("answers the provider's rate limit as a 429 with the provider's retry-after, so the SDK backs off as asked", async () => {
    const alice = await api.createUser();
    const key = await keyFor(alice);
    api.fakeProvider.setMode('429');
    try {
      for (const stream of [false, true]) {
        const call = sdk(key).chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }], stream });
        await expect(call, `stream: ${stream}`).rejects.toBeInstanceOf(OpenAI.RateLimitError);
        const error = (await call.then(() => null, (e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
        expect(error).toMatchObject({ status: 429, code: 'provider_rate_limited', type: 'rate_limit_error' });
        expect(error.headers?.get('retry-after')).toBe('1');
      }
      // The SDK's default retries wait the second the provider asked for, then try again.
      const before = api.fakeProvider.requests.length;
      await expect(sdk(key, 1).chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      expect(api.fakeProvider.requests.length - before).toBe(2);
    } finally {
      api.fakeProvider.setMode('ok');
    }
  });

  it('logs a provider failure as an error call and answers 502', async () => {
    const alice = await api.createUser();
    const client = sdk(await keyFor(alice));
    api.fakeProvider.setMode('500');
    try {
      await expect(client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
    } finally {
      api.fakeProvider.setMode('ok');
    }
    const [log] = await logsOf(alice);
    expect(log).toMatchObject({ status: 'error', completion_tokens: 0 });
  });
});

describe("gateway stream that ends before the provider's usage chunk", () => {
  it('logs our estimate of the prompt and our count of what was streamed, answer and reasoning, not 0 and $0', async () => {
    const alice = await api.createUser();
    const question = `/think ${'weigh the options carefully '.repeat(8)}${'padding '.repeat(500)}`;
    api.fakeProvider.setMode('drop'); // the connection dies after the reasoning and three answer chunks
    let text: string;
    let logId: string;
    try {
      const res = await alice.request('POST', '/v1/chat/completions', { model: 'demo/demo-model', stream: true, messages: [{ role: 'user', content: question }] });
      logId = res.headers.get('x-mrprompt-usage-log-id')!;
      text = await res.text();
    } finally {
      api.fakeProvider.setMode('ok');
    }
    const deltas = text.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)))
      .flatMap((c) => (c.choices ?? []).map((ch: { delta: Record<string, string | null> }) => ch.delta));
    const streamed = deltas.map((d) => (d.content ?? '') + (d.reasoning_content ?? '')).join('');
    expect(deltas.some((d) => d.reasoning_content) && deltas.some((d) => d.content)).toBe(true);
    const [log] = await eventually(async () => {
      const rows = await api.db.sql`select status, error_code, prompt_tokens, completion_tokens, tokens_estimated, cost_usd::float8 as cost from public.prompt_usage_logs where id = ${logId}`;
      return rows.length ? rows : null;
    });
    const count = await countTokensLazily();
    expect(log).toMatchObject({ status: 'error', error_code: 'provider_connection_lost', prompt_tokens: count(question) + 4, completion_tokens: count(streamed), tokens_estimated: true });
    expect(log!.completion_tokens).toBeGreaterThan(20);
    expect(log!.cost).toBeGreaterThan(0);
  });
});
