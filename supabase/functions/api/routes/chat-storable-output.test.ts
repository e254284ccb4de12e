// A model's output the database cannot store as sent — a NUL (Postgres text cannot hold U+0000),
// more than the 200,000 characters an answer's columns hold, a provider message id longer than
// its column, token counts beyond `int` — is made storable as it arrives, so the answer is saved
// at once instead of its final write failing on every try while the turn held its chat's lock
// (security review 10 #1). A provider of the test's own plays the hostile model.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
let provider: http.Server;
let baseUrl = '';
const aborted: string[] = [];

/** One streamed chunk of a chat completion. */
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const end = (usage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage, ...extra })}\n\ndata: [DONE]\n\n`;

beforeAll(async () => {
  provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'any-model', object: 'model' }] }));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ask = String(JSON.parse(body).messages.at(-1).content);
      res.on('close', () => void (res.writableFinished || aborted.push(ask)));
      if (ask === 'nul') {
        res.write(chunk({ reasoning_content: 'think\u0000ing' }));
        res.write(chunk({ content: 'hello ' }));
        res.write(chunk({ content: 'wor\u0000ld' }));
        res.end(end({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }));
      } else if (ask === 'long') {
        // 210,000 characters, and then more, slowly: the answer is cut at 200,000 and the call stopped.
        for (let i = 0; i < 210; i++) res.write(chunk({ content: `${'x'.repeat(999)} ` }));
        const more = setInterval(() => res.write(chunk({ content: 'more ' })), 50);
        res.on('close', () => clearInterval(more));
      } else {
        const id = 'i'.repeat(300);
        res.write(chunk({ content: 'odd usage' }, { id }));
        res.end(end({ prompt_tokens: 1e12, completion_tokens: 2 }, { id }));
      }
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '1000', CHAT_CHECKPOINT_MS: '100' } });
});
afterAll(async () => {
  await api?.close();
  await new Promise<void>((resolve) => provider?.close(() => resolve()));
});

async function ask(user: ApiUser, message: string) {
  const started = performance.now();
  const events = await readSse(await user.request('POST', '/chat', { provider: 'custom', model: 'any-model', message }));
  const id = events[0].data.assistant_message_id as string;
  const [row] = await api.db.sql`
    select status, error_code, content, reasoning, provider_message_id, prompt_tokens, completion_tokens from public.messages where id = ${id}`;
  return { events, row, ms: performance.now() - started };
}

describe('model output the database cannot store as sent', () => {
  let alice: ApiUser;
  beforeAll(async () => {
    alice = await api.createUser();
    expect((await alice.request('PUT', '/credentials/custom', { api_key: 'hostile-test-key', base_url: baseUrl })).status).toBe(200);
  });

  it('a NUL is stored as U+FFFD, in the answer and its reasoning, and the answer completes at once', async () => {
    const { events, row, ms } = await ask(alice, 'nul');
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    expect(row).toMatchObject({ status: 'complete', content: 'hello wor\uFFFDld', reasoning: 'think\uFFFDing', completion_tokens: 3 });
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe('hello wor\uFFFDld');
    // Not after a final write retried for CHAT_FINAL_SAVE_MS.
    expect(ms).toBeLessThan(30_000);
    // The chat is free for the next question.
    const next = await alice.request('POST', '/chat', { provider: 'custom', model: 'any-model', message: 'nul', session_id: events[0].data.session_id });
    expect(next.status).toBe(200);
    await readSse(next);
  });

  it('an answer past 200,000 characters is cut there and stopped with answer_too_long, keeping what fits', async () => {
    const { events, row } = await ask(alice, 'long');
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped', code: 'answer_too_long' } });
    expect(row.status).toBe('stopped');
    expect(row.error_code).toBe('answer_too_long');
    expect(row.content).toHaveLength(200_000);
    expect(row.content).toBe(Array.from({ length: 200 }, () => `${'x'.repeat(999)} `).join(''));
    expect(aborted).toContain('long');
    // Continue cannot go on from it with a model of this size (a custom model's 8,192 tokens): it
    // says so, rather than sending the model the request to continue without the answer.
    const more = await alice.request('POST', '/chat', { provider: 'custom', model: 'any-model', session_id: events[0].data.session_id, continue: true, message: 'Continue exactly where your last answer stopped.' });
    expect(more.status).toBe(422);
    expect((await more.json()).error).toMatchObject({ code: 'context_too_long', message: expect.stringMatching(/^The answer to continue is about \d+ tokens/) });
  });

  it('a provider message id longer than its column and token counts beyond int are left out, not a failed write', async () => {
    const { row } = await ask(alice, 'odd');
    expect(row).toMatchObject({ status: 'complete', content: 'odd usage', provider_message_id: null });
    expect(row.prompt_tokens).toBeLessThan(1_000);
  });
});
