// An answer and its reasoning, each under the 200,000 characters a message holds, can together
// need more search index entry than Postgres holds (1 MB): distinct long words from a hostile
// provider — in a group chat, a member's own. Every write of that answer failed (54000), it stayed
// `streaming` for good, and every read and turn of its chat answered 500 (security review 13 #1).
// Now its entry indexes its beginning, and it is stored complete like any other.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { distinctWords } from '../../../../tests/helpers/search-words.ts';

// Words of 20 characters and a space: 190,000 characters each.
const REASONING = distinctWords(Math.floor(190_000 / 21), 20);
const ANSWER = `lighthouse ${distinctWords(Math.floor(190_000 / 21), 20, 50_000)}`;

// An OpenAI-compatible provider that streams REASONING, then ANSWER (and a short title to name the chat).
let provider: http.Server;
let api: ApiHarness;
beforeAll(async () => {
  provider = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body || '{}') as { stream?: boolean };
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Title' }, finish_reason: 'stop' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    for (let i = 0; i < REASONING.length; i += 20_000) send({ reasoning_content: REASONING.slice(i, i + 20_000) });
    for (let i = 0; i < ANSWER.length; i += 20_000) send({ content: ANSWER.slice(i, i + 20_000) });
    send({}, 'stop');
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  api = await createApiHarness({ env: { CHAT_FINAL_SAVE_MS: '3000', DEMO_PROVIDER_URL: url } });
});
afterAll(async () => {
  await api?.close();
  provider?.close();
});

describe('an answer too long for one search index entry', () => {
  it('is stored complete and whole, found by its first words, and its chat goes on', async () => {
    const alice = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'Tell me everything' }));
    const { session_id: sessionId, assistant_message_id: answerId } = events[0]!.data as { session_id: string; assistant_message_id: string };
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    const [row] = await api.db.sql`select status, char_length(content) as content, char_length(reasoning) as reasoning from public.messages where id = ${answerId}`;
    expect(row).toEqual({ status: 'complete', content: ANSWER.length, reasoning: REASONING.length });
    expect((await alice.request('GET', `/sessions/${sessionId}/messages`)).status).toBe(200);
    const found = await (await alice.request('GET', '/search?q=lighthouse')).json();
    expect(JSON.stringify(found)).toContain(answerId);
    const next = await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'And then?', session_id: sessionId });
    expect(next.status).toBe(200);
    expect((await readSse(next)).at(-1)).toMatchObject({ event: 'done' });
  });
});
