// POST /api/chat when things go wrong: provider failures, drops, timeouts, client aborts,
// rate limits, malformed input and other users' ids. Nothing typed is lost; nothing is a 500.
// (A client that goes away no longer stops the answer: see chat-turns.test.ts.)
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({
    // Small limits so the timeout and keepalive paths run in a fraction of a second.
    env: { PROVIDER_TIMEOUT_MS: '1500', KEEPALIVE_MS: '40', CHAT_RATE_CAPACITY: '1000', MAX_MESSAGE_CHARS: '5000', MAX_TOKENS_CAP: '2048' },
    provider: { tokens: 30, tokenDelayMs: 15, slowFirstTokenMs: 250 },
  });
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => api.fakeProvider.setMode('ok'));

const demo = { provider: 'demo', model: 'demo-model' };
const assistantRow = async (id: string) =>
  (await api.db.sql`select content, status, error from public.messages where id = ${id}`)[0];

describe('provider failures', () => {
  it.each([
    ['401', 'provider_auth', /API key/],
    ['429', 'provider_rate_limited', /rate limiting/],
    ['500', 'provider_unavailable', /server error/],
    ['drop', 'provider_connection_lost', /dropped/],
    ['malformed', 'provider_bad_response', /could not be read/],
    ['hang', 'provider_timeout', /did not answer/],
  ] as const)('%s → an error event, status error, the user message kept', async (mode, code, text) => {
    const alice = await api.createUser();
    api.fakeProvider.setMode(mode);
    const res = await alice.request('POST', '/chat', { ...demo, message: 'please answer' });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    const error = events.find((e) => e.event === 'error');
    expect(error?.data).toMatchObject({ code, message: expect.stringMatching(text) });
    expect(events.at(-1)?.event).toBe('error');
    const meta = events[0].data;
    const row = await assistantRow(meta.assistant_message_id);
    expect(row.status).toBe('error');
    expect(row.error).toMatch(text);
    const [user] = await api.db.sql`select content from public.messages where id = ${meta.user_message_id}`;
    expect(user.content).toBe('please answer');
    const [log] = await api.db.sql`select status, error_code from public.prompt_usage_logs where message_id = ${meta.assistant_message_id}`;
    expect(log).toEqual({ status: 'error', error_code: code });
    if (mode === 'drop') {
      // What arrived before the drop is kept.
      const partial = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
      expect(partial.length).toBeGreaterThan(0);
      expect(row.content).toBe(partial);
    }
  });

  it('sends keepalive comments while waiting for a slow first token', async () => {
    const alice = await api.createUser();
    api.fakeProvider.setMode('slow-first-token');
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: 'slow' }));
    expect(events.some((e) => e.event === ':' && e.data.trim() === 'keepalive')).toBe(true);
    expect(events.at(-1)?.event).toBe('done');
  });
});

describe('limits and input', () => {
  it('rate limits per user with Retry-After', async () => {
    const limited = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '2', CHAT_RATE_REFILL_PER_SECOND: '0.01' } });
    try {
      const alice = await limited.createUser();
      const bob = await limited.createUser();
      for (let i = 0; i < 2; i++) await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo hi' }));
      const third = await alice.request('POST', '/chat', { ...demo, message: '/echo hi' });
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toMatchObject({ error: { code: 'rate_limited' } });
      // Another user's bucket is untouched.
      expect((await bob.request('POST', '/chat', { ...demo, message: '/echo hi' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers malformed or oversized input with 4xx JSON, never 500', async () => {
    const alice = await api.createUser();
    const cases: [Record<string, unknown> | string, number][] = [
      [{ ...demo }, 400],
      [{ ...demo, message: '' }, 400],
      [{ ...demo, message: 42 }, 400],
      [{ ...demo, message: 'hi', extra: 1 }, 400],
      [{ ...demo, message: 'hi', session_id: 'not-a-uuid' }, 400],
      [{ ...demo, message: 'hi', temperature: 9 }, 400],
      [{ ...demo, message: 'hi', variables: { a: { nested: true } } }, 400],
      [{ ...demo, message: 'hi', prompt_label: 'production' }, 400],
      [{ ...demo, regenerate: true }, 400],
      [{ ...demo, message: 'x'.repeat(6000) }, 413],
      [{ ...demo, message: 'hi', max_tokens: 100_000 }, 422],
      [{ provider: 'nosuch', model: 'm', message: 'hi' }, 404],
      [{ provider: 'openai', model: 'gpt-4o', message: 'hi' }, 422],
      [{ provider: 'deepseek', model: 'not-a-model', message: 'hi' }, 422],
      ['{"provider":', 400],
    ];
    for (const [body, status] of cases) {
      const res = await alice.request('POST', '/chat', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((await res.json()).error.code).toBeTruthy();
    }
    const [{ count }] = await api.db.sql`select count(*)::int as count from public.messages where user_id = ${alice.id}`;
    expect(count).toBe(0);
  });

  // QA9 #3: below 200,000 characters a paste got "The message is 6000 characters; the limit is 5000",
  // above it Zod's "message: Too big: expected string to have <=200000 characters".
  it('refuses a message over MAX_MESSAGE_CHARS in the same words whatever its length, suggesting a file; GET /providers says the limit', async () => {
    const alice = await api.createUser();
    for (const length of [6000, 201_499]) {
      const res = await alice.request('POST', '/chat', { ...demo, message: 'x'.repeat(length) });
      expect(res.status).toBe(413);
      const { error } = await res.json();
      expect(error).toMatchObject({ code: 'message_too_long', length, limit: 5000 });
      expect(error.message).toBe(`This message is ${length.toLocaleString('en-US')} characters; a message can be at most 5,000. Attach long text as a file instead.`);
    }
    const providers = await alice.request('GET', '/providers');
    expect((await providers.json()).max_message_chars).toBe(5000);
  });
});

describe("other users' ids", () => {
  let alice: ApiUser;
  let bob: ApiUser;
  let aliceSession: string;
  let aliceMessage: string;
  beforeAll(async () => {
    alice = await api.createUser();
    bob = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo mine' }));
    aliceSession = events[0].data.session_id;
    aliceMessage = events[0].data.user_message_id;
  });

  it('404s on a session, message, prompt or project that is not theirs', async () => {
    const [prompt] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${alice.id}, 'private', 'secret') returning id`;
    const [project] = await api.db.sql`insert into public.projects (user_id, name) values (${alice.id}, 'p') returning id`;
    const attempts = [
      { session_id: aliceSession, message: 'hi' },
      { session_id: aliceSession, regenerate: true },
      { session_id: aliceSession, edit_message_id: aliceMessage, message: 'hijack' },
      { prompt_id: prompt.id, message: 'hi' },
      { project_id: project.id, message: 'hi' },
    ];
    for (const attempt of attempts) {
      const res = await bob.request('POST', '/chat', { ...demo, ...attempt });
      expect(res.status, JSON.stringify(attempt)).toBe(404);
    }
    const rows = await api.db.sql`select content from public.messages where session_id = ${aliceSession} order by created_at`;
    expect(rows.map((r) => r.content)).toEqual(['/echo mine', 'mine']);
  });
});
