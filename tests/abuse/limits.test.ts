/**
 * Size and rate limits (issue 6, item 3): bodies over MAX_BODY_BYTES are refused with 413
 * on every route that takes one — with or without a Content-Length — before anything is
 * stored; a message over MAX_MESSAGE_CHARS is a 413 too; and the chat rate limit answers 429
 * with a Retry-After header, stores nothing for the refused turn, and is per user.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { allEvents, dataOf } from '../faults/helpers.ts';

const MAX_BODY = 16 * 1024;
let api: ApiHarness;
let alice: ApiUser;

beforeAll(async () => {
  api = await createApiHarness({
    env: { MAX_BODY_BYTES: String(MAX_BODY), MAX_MESSAGE_CHARS: '2000', CHAT_RATE_CAPACITY: '3', CHAT_RATE_REFILL_PER_SECOND: '0.001', LOG_LEVEL: 'silent' },
  });
  alice = await api.createUser();
});
afterAll(async () => {
  await api?.close();
});

const big = 'x'.repeat(MAX_BODY + 1);
const bodies: [string, string, unknown][] = [
  ['POST', '/chat', { provider: 'demo', model: 'demo-model', message: big }],
  ['POST', '/projects', { name: 'p', description: big }],
  ['PATCH', '/me', { custom_instructions: big }],
  // Creating or editing a prompt has room for a 100,000-character template (640 KiB at least).
  ['POST', '/prompts', { title: 't', content: 'x'.repeat(640 * 1024 + 1) }],
  ['PATCH', `/prompts/${crypto.randomUUID()}`, { content: 'x'.repeat(640 * 1024 + 1) }],
  ['PUT', '/credentials/openai', { api_key: big }],
  ['POST', '/sessions', { title: big }],
  ['POST', `/prompts/${crypto.randomUUID()}/render`, { variables: { a: big } }],
];

async function expect413(res: Response, label: string) {
  expect(res.status, label).toBe(413);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

it('bodies over the limit are 413 on every route that takes one, and nothing is stored', async () => {
  for (const [method, path, body] of bodies) await expect413(await alice.request(method, path, body), `${method} ${path}`);
  const counts = await api.db.sql`
    select (select count(*) from public.projects where user_id = ${alice.id})::int as projects,
           (select count(*) from public.prompts where user_id = ${alice.id})::int as prompts,
           (select count(*) from public.chat_sessions where user_id = ${alice.id})::int as sessions,
           (select count(*) from public.api_credentials where user_id = ${alice.id})::int as credentials`;
  expect(counts[0]).toEqual({ projects: 0, prompts: 0, sessions: 0, credentials: 0 });
});

it('a streamed body without Content-Length is cut off at the limit too', async () => {
  const chunk = new TextEncoder().encode(`{"name":"p","description":"${'y'.repeat(4096)}`);
  let sentChunks = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      // Endless: the server must stop reading, not wait for the end.
      sentChunks += 1;
      if (sentChunks > 1000) controller.close();
      else controller.enqueue(chunk);
    },
  });
  const res = await api.app.request('/api/projects', {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  await expect413(res, 'chunked POST /projects');
  expect(sentChunks).toBeLessThan(1000);
});

it('a lying Content-Length (small) with a big body is still refused', async () => {
  const res = await api.app.request('/api/projects', {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'content-length': '10' },
    body: JSON.stringify({ name: 'p', description: big }),
  });
  expect([400, 413]).toContain(res.status);
  expect(await res.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
});

it('a message under the body limit but over MAX_MESSAGE_CHARS is 413, and nothing is stored', async () => {
  const res = await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'z'.repeat(2001) });
  // Worded, with the length and the limit the composer shows before sending.
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({
    error: {
      code: 'message_too_long',
      message: 'This message is 2,001 characters; a message can be at most 2,000. Attach long text as a file instead.',
      length: 2001,
      limit: 2000,
    },
  });
  const [row] = await api.db.sql`select count(*)::int as n from public.messages where user_id = ${alice.id}`;
  expect(row!.n).toBe(0);
});

it('the chat rate limit answers 429 with Retry-After, stores nothing for that turn, and is per user', async () => {
  const bob = await api.createUser();
  for (let i = 0; i < 3; i++) {
    const events = await allEvents(await bob.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: `/echo turn ${i}` }));
    expect(dataOf(events, 'done')).toMatchObject({ status: 'complete' });
  }
  const refused = await bob.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'one too many' });
  expect(refused.status).toBe(429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
  expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  const stored = await api.db.sql<{ content: string }[]>`select content from public.messages where user_id = ${bob.id} and sender = 'user'`;
  expect(stored.map((r) => r.content).sort()).toEqual(['/echo turn 0', '/echo turn 1', '/echo turn 2']);

  // Another user is not limited by Bob's bucket.
  const carol = await api.createUser();
  const events = await allEvents(await carol.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo fine' }));
  expect(dataOf(events, 'done')).toMatchObject({ status: 'complete' });
});
