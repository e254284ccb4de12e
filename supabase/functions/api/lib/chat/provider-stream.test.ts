/**
 * The provider stream reader against real HTTP servers: the fake OpenAI-compatible provider
 * (local/src/demo-provider.ts) and, for what it cannot send (mid-stream error events, CRLF
 * framing, text after [DONE]), a raw SSE server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../../../local/src/demo-provider.ts';
import { loadConfig } from '../../config.ts';
import { guardedFetch } from '../url-guard.ts';
import { describeProviderError } from './provider-errors.ts';
import { READ_BUFFER_BYTES, byteReader, completionsUrl, streamProvider, type ProviderCall } from './provider-stream.ts';

let provider: FakeProvider;
let raw: { url: string; body: string; close(): Promise<void> };

beforeAll(async () => {
  provider = await startFakeProvider({ tokens: 8 });
  // Sends `raw.body` as it is, in two writes split mid-line.
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const body = raw.body;
    res.write(body.slice(0, Math.floor(body.length / 2)));
    setTimeout(() => res.end(body.slice(Math.floor(body.length / 2))), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  raw = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    body: '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});

afterAll(async () => {
  provider.setMode('ok');
  await provider.stop();
  await raw.close();
});

const ctx = { providerName: 'Fake', model: 'fake-model', apiKey: 'sk-test-key-123456', timeoutMs: 5_000 };

function call(message: string, over: Partial<ProviderCall> = {}): ProviderCall {
  return {
    endpoint: { baseUrl: provider.url, apiKey: ctx.apiKey, fetch },
    model: 'fake-model',
    messages: [{ role: 'user', content: message }],
    timeoutMs: 5_000,
    signal: new AbortController().signal,
    ...over,
  };
}

async function run(c: ProviderCall) {
  const texts: { kind: string; text: string }[] = [];
  let activity = 0;
  const result = await streamProvider(c, { onText: (kind, text) => texts.push({ kind, text }), onActivity: () => activity++ });
  return { result, texts, activity, content: texts.filter((t) => t.kind === 'content').map((t) => t.text).join(''), reasoning: texts.filter((t) => t.kind === 'reasoning').map((t) => t.text).join('') };
}

async function failure(c: ProviderCall) {
  const error = await streamProvider(c, { onText: () => {}, onActivity: () => {} }).then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, described: describeProviderError(error, ctx) };
}

describe('streamProvider', () => {
  it('streams the answer, the usage, the finish reason and the message id', async () => {
    const out = await run(call('/echo one two three'));
    expect(out.content).toBe('one two three');
    expect(out.result).toMatchObject({ finishReason: 'stop', providerMessageId: expect.stringMatching(/^chatcmpl-fake-/) });
    expect(out.result.usage).toMatchObject({ completion_tokens: 3, prompt_tokens: expect.any(Number) });
    // Every chunk counts as activity (role chunk, 3 words, finish, usage).
    expect(out.activity).toBe(6);
    const sent = provider.requests.at(-1)!;
    expect(sent.authorization).toBe(`Bearer ${ctx.apiKey}`);
    expect(sent.body).toMatchObject({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: '/echo one two three' }] });
  });

  it('sends temperature, max_tokens and image parts as the SDK did', async () => {
    const parts = [{ type: 'text' as const, text: 'look' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA==' } }];
    await run(call('look', { temperature: 0.3, maxTokens: 50, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'look', parts }] }));
    expect(provider.requests.at(-1)!.body).toMatchObject({ temperature: 0.3, max_tokens: 50, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: parts }] });
  });

  it('builds the request before it returns: the caller may let the prompt go right away', async () => {
    const c = call('/echo kept only until sent');
    const pending = run(c);
    // What a turn does: its prompt (a long history, images as data URLs) is not held for the answer.
    c.messages = [];
    const out = await pending;
    expect(out.content).toBe('kept only until sent');
    expect(provider.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'user', content: '/echo kept only until sent' }] });
  });

  it('reads reasoning from reasoning_content (DeepSeek) and reasoning (OpenRouter, Ollama)', async () => {
    for (const command of ['/think', '/reason']) {
      const out = await run(call(`${command} weigh the options`));
      expect(out.reasoning).toBe('weigh the options');
      expect(out.content).toBe('Thought it through.');
      expect(out.texts[0]!.kind).toBe('reasoning');
    }
  });

  it('says when the provider has answered the request — before any text — and when it refused it', async () => {
    const events: string[] = [];
    const handlers = { onText: () => void events.push('text'), onActivity: () => {}, onAnswer: () => void events.push('answered') };
    provider.setMode('hang'); // headers never come: nothing is said until the call is aborted
    const stopper = new AbortController();
    const hanging = streamProvider(call('hi', { signal: stopper.signal }), handlers).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual([]);
    stopper.abort(new Error('stop'));
    expect(await hanging).toBe('aborted');
    expect(events).toEqual(['answered']);
    try {
      provider.setMode('ok');
      events.length = 0;
      await streamProvider(call('hi'), handlers);
      expect(events[0]).toBe('answered');
      expect(events.filter((e) => e === 'answered')).toHaveLength(1);
      expect(events.filter((e) => e === 'text').length).toBeGreaterThan(0);
      provider.setMode('401');
      events.length = 0;
      await streamProvider(call('hi'), handlers).catch(() => {});
      expect(events).toEqual(['answered']);
    } finally {
      provider.setMode('ok');
    }
  });

  it('joins the base URL as the SDK does', () => {
    expect(completionsUrl('https://api.example.com/v1')).toBe('https://api.example.com/v1/chat/completions');
    expect(completionsUrl('https://api.example.com/v1/')).toBe('https://api.example.com/v1/chat/completions');
  });

  it('maps refusals to the same errors as before (401, 429, 500)', async () => {
    try {
      provider.setMode('401');
      expect((await failure(call('hi'))).described.code).toBe('provider_auth');
      provider.setMode('429');
      expect((await failure(call('hi'))).described.code).toBe('provider_rate_limited');
      provider.setMode('500');
      expect((await failure(call('hi'))).described.code).toBe('provider_unavailable');
    } finally {
      provider.setMode('ok');
    }
  });

  it('maps a dropped connection, a malformed chunk and an unreachable host', async () => {
    try {
      provider.setMode('drop');
      expect((await failure(call('hi'))).described.code).toBe('provider_connection_lost');
      provider.setMode('malformed');
      expect((await failure(call('hi'))).described.code).toBe('provider_bad_response');
    } finally {
      provider.setMode('ok');
    }
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await failure(call('hi', { endpoint: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'k', fetch } }));
    expect(unreachable.described.code).toBe('provider_unreachable');
  });

  it('times out a provider that says nothing', async () => {
    provider.setMode('hang');
    try {
      const started = performance.now();
      const { described } = await failure(call('hi', { timeoutMs: 300 }));
      expect(described.code).toBe('provider_timeout');
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      provider.setMode('ok');
    }
  });

  it('keeps waiting while the provider sends SSE comments (OpenRouter\'s ": OPENROUTER PROCESSING")', async () => {
    // A provider that is alive but slow: a comment every 100 ms for 600 ms, then the answer.
    const slow = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const tick = setInterval(() => {
        if (++sent <= 6) return void res.write(': OPENROUTER PROCESSING\n\n');
        clearInterval(tick);
        res.end('data: {"id":"c1","choices":[{"index":0,"delta":{"content":"late"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
      }, 100);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const out = await run(call('hi', { endpoint: { baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`, apiKey: 'k', fetch }, timeoutMs: 300 }));
      expect(out.content).toBe('late');
      expect(out.result.finishReason).toBe('stop');
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('stops within a second when aborted mid-answer, with the abort reason', async () => {
    const release = provider.pauseAfterFirstToken();
    const stop = new AbortController();
    const texts: string[] = [];
    const pending = streamProvider(call('/echo a b c d', { signal: stop.signal }), { onText: (_kind, text) => {
      texts.push(text);
      stop.abort(new Error('stopped by the test'));
    }, onActivity: () => {} });
    const started = performance.now();
    await expect(pending).rejects.toThrow('stopped by the test');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(texts).toEqual(['a']);
    // The connection is closed (the provider stops generating, and billing), not left to run out.
    await expect.poll(() => provider.requests.at(-1)!.aborted, { timeout: 2_000 }).toBe(true);
    release();
  });

  it('reads CRLF framing and ignores what follows [DONE]', async () => {
    const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'r1', choices: [{ index: 0, delta, finish_reason: finish }] })}\r\n\r\n`;
    raw.body = `: keep-alive comment\r\n\r\n${chunk({ content: 'Hé' })}${chunk({ content: 'llo 🙂' })}${chunk({}, 'length')}data: [DONE]\r\n\r\ndata: {not json\r\n\r\n`;
    const out = await run(call('hi', { endpoint: { baseUrl: raw.url, apiKey: 'k', fetch } }));
    expect(out.content).toBe('Héllo 🙂');
    expect(out.result).toEqual({ usage: null, finishReason: 'length', providerMessageId: 'r1' });
  });

  it('reads events longer than its read buffer, multi-byte characters split across reads included', async () => {
    const long = 'é🙂x'.repeat(3000); // ≈ 21 kB of UTF-8: many reads of READ_BUFFER_BYTES, characters cut at their edges
    raw.body = `data: ${JSON.stringify({ id: 'r4', choices: [{ index: 0, delta: { content: long } }] })}\n\ndata: ${JSON.stringify({ id: 'r4', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
    const out = await run(call('hi', { endpoint: { baseUrl: raw.url, apiKey: 'k', fetch } }));
    expect(out.content).toBe(long);
  });

  it('refuses an event that never ends instead of buffering it without bound', async () => {
    raw.body = `data: ${'x'.repeat(5 * 1024 * 1024)}`;
    const { described } = await failure(call('hi', { endpoint: { baseUrl: raw.url, apiKey: 'k', fetch } }));
    expect(described.code).toBe('provider_bad_response');
  });

  it('fails on an error event mid-stream, keeping what arrived', async () => {
    raw.body = `data: ${JSON.stringify({ id: 'r2', choices: [{ index: 0, delta: { content: 'par' } }] })}\n\ndata: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`;
    const texts: string[] = [];
    const error = await streamProvider(call('hi', { endpoint: { baseUrl: raw.url, apiKey: 'k', fetch } }), { onText: (_k, t) => texts.push(t), onActivity: () => {} }).catch((e: unknown) => e);
    expect(texts).toEqual(['par']);
    expect(String(error)).toContain('overloaded');
    expect(describeProviderError(error, ctx).code).toBe('provider_connection_lost');
  });

  it('fails when the stream ends without a finish reason', async () => {
    raw.body = `data: ${JSON.stringify({ id: 'r3', choices: [{ index: 0, delta: { content: 'cut' } }] })}\n\n`;
    const { error } = await failure(call('hi', { endpoint: { baseUrl: raw.url, apiKey: 'k', fetch } }));
    expect(String(error)).toContain('without a finish reason');
  });
});

describe('streamProvider over the guarded transport (user base URLs)', () => {
  const env = { SUPABASE_URL: 'http://localhost', SUPABASE_DB_URL: 'postgres://x', CREDENTIALS_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 1).toString('base64')}` };

  it('streams through the address-pinned transport when private addresses are allowed', async () => {
    const pinned = guardedFetch(loadConfig({ ...env, ALLOW_PRIVATE_PROVIDER_URLS: 'true' }));
    const out = await run(call('/think first then', { endpoint: { baseUrl: provider.url, apiKey: 'k', fetch: pinned } }));
    expect(out.reasoning).toBe('first then');
    expect(out.content).toBe('Thought it through.');
    expect(out.result.finishReason).toBe('stop');
  });

  it('says a refusal in the provider\'s words when it reads them, and only the status when the guard withholds the body', async () => {
    try {
      provider.setMode('400');
      const direct = await failure(call('hi'));
      expect(direct.described.message).toBe("Fake refused the request (400): This model's maximum context length is 128000 tokens.");
      const pinned = guardedFetch(loadConfig({ ...env, ALLOW_PRIVATE_PROVIDER_URLS: 'true' }));
      const guarded = await failure(call('hi', { endpoint: { baseUrl: provider.url, apiKey: 'k', fetch: pinned } }));
      expect(guarded.described).toEqual({ code: 'provider_rejected', message: 'Fake refused the request (400).' });
    } finally {
      provider.setMode('ok');
    }
  });

  it('refuses a loopback provider by default, with the guard\'s code', async () => {
    const before = provider.requests.length;
    const strict = guardedFetch(loadConfig(env));
    const { described } = await failure(call('hi', { endpoint: { baseUrl: provider.url, apiKey: 'k', fetch: strict } }));
    expect(described.code).toBe('unsafe_base_url');
    expect(provider.requests.length).toBe(before);
  });
});

describe('byteReader', () => {
  // A byte stream that, like Deno's fetch body, hands a default reader 64 KiB buffers.
  const body = (chunks: string[]) => {
    const queue = chunks.map((c) => new TextEncoder().encode(c));
    return new ReadableStream({
      type: 'bytes',
      autoAllocateChunkSize: 65_536,
      pull(controller) {
        const next = queue.shift();
        if (!next) {
          controller.close();
          controller.byobRequest?.respond(0);
          return;
        }
        const request = controller.byobRequest;
        if (!request?.view) return controller.enqueue(next);
        const view = new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
        view.set(next);
        request.respond(next.length);
      },
    });
  };

  it('reads a byte stream into one small buffer, reused for every chunk', async () => {
    const reader = byteReader(body(['data: a\n\n', 'data: b\n\n', 'data: c\n\n']));
    const seen: { text: string; buffer: number }[] = [];
    for (let value = await reader.read(); value; value = await reader.read()) {
      seen.push({ text: new TextDecoder().decode(value), buffer: value.buffer.byteLength });
    }
    expect(seen.map((s) => s.text)).toEqual(['data: a\n\n', 'data: b\n\n', 'data: c\n\n']);
    expect(seen.every((s) => s.buffer === READ_BUFFER_BYTES)).toBe(true);
  });

  it('reads other streams as they come', async () => {
    const plain = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('x'));
        controller.close();
      },
    });
    const reader = byteReader(plain);
    expect(new TextDecoder().decode((await reader.read())!)).toBe('x');
    expect(await reader.read()).toBeNull();
  });
});
