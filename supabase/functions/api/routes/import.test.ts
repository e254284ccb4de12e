// POST /api/import: conversations become chats of the caller with their own times and order,
// marked as imported (complete, no provider, no tokens, no usage, no cost); the same
// conversation twice adds nothing; a long one arrives in parts and resumes; nothing can land
// in another account; bad input is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const conversation = (id: string, overrides: Record<string, unknown> = {}) => ({
  source: 'chatgpt',
  source_id: id,
  title: 'Trip to Lisbon',
  created_at: '2024-03-01T10:00:00.000Z',
  total: 2,
  messages: [
    { sender: 'user', content: 'Plan three days in Lisbon', created_at: '2024-03-01T10:00:00.000Z', source_id: `${id}-m1` },
    { sender: 'assistant', content: 'Day 1: Alfama…', created_at: '2024-03-01T10:00:05.000Z', model: 'gpt-4o', source_id: `${id}-m2` },
  ],
  ...overrides,
});

async function importing(user: ApiUser, conversations: unknown[]) {
  const res = await user.request('POST', '/import', { conversations });
  return { status: res.status, body: await res.json() };
}

async function messagesOf(user: ApiUser, sessionId: string) {
  const body = await (await user.request('GET', `/sessions/${sessionId}/messages?limit=100`)).json();
  return body.messages as Record<string, unknown>[];
}

describe('POST /import: its own rate limit', () => {
  it('past IMPORT_RATE_CAPACITY answers 429 with Retry-After, and leaves the heavy bucket (search) alone', async () => {
    const limited = await createApiHarness({ env: { IMPORT_RATE_CAPACITY: '2', IMPORT_RATE_REFILL_PER_SECOND: '0.001', HEAVY_RATE_CAPACITY: '1' } });
    try {
      const alice = await limited.createUser();
      for (const id of ['a', 'b']) expect((await alice.request('POST', '/import', { conversations: [conversation(id)] })).status).toBe(200);
      const refused = await alice.request('POST', '/import', { conversations: [conversation('c')] });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await refused.json()).error.code).toBe('rate_limited');
      expect((await alice.request('GET', '/search?q=Lisbon')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /import', () => {
  it('creates a chat per conversation with its own title, times and order, marked as imported', async () => {
    const alice = await api.createUser();
    const { status, body } = await importing(alice, [conversation('c-1')]);
    expect(status).toBe(200);
    expect(body.results).toEqual([{ source_id: 'c-1', status: 'imported', session_id: expect.any(String), messages: 2 }]);
    const sessionId = body.results[0].session_id;

    const session = await (await alice.request('GET', `/sessions/${sessionId}`)).json();
    expect(session).toMatchObject({ title: 'Trip to Lisbon', role: 'owner', metadata: { imported: { source: 'chatgpt', id: 'c-1' } } });
    expect(new Date(session.created_at).toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(new Date(session.last_message_at).toISOString()).toBe('2024-03-01T10:00:05.000Z');

    const messages = await messagesOf(alice, sessionId);
    expect(messages.map((m) => [m.sender, m.content, m.status])).toEqual([
      ['user', 'Plan three days in Lisbon', 'complete'],
      ['assistant', 'Day 1: Alfama…', 'complete'],
    ]);
    expect(messages[1]).toMatchObject({ provider: null, model: 'gpt-4o', provider_message_id: 'c-1-m2', token_count: null, prompt_tokens: null, completion_tokens: null, latency_ms: null });

    // No usage rows and no cost: the import called no provider.
    const [{ count }] = await api.db.sql`select count(*)::int as count from public.prompt_usage_logs where user_id = ${alice.id}`;
    expect(count).toBe(0);
    // Old conversations sort by their own time, below a chat started today.
    const today = await (await alice.request('POST', '/sessions', { title: 'Today' })).json();
    const list = await (await alice.request('GET', '/sessions')).json();
    expect(list.sessions.map((s: { id: string }) => s.id)).toEqual([today.id, sessionId]);
  });

  it('importing the same conversations again adds nothing; deleting the chat allows it again', async () => {
    const alice = await api.createUser();
    const first = await importing(alice, [conversation('c-1'), conversation('c-2', { title: 'Second' })]);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['imported', 'imported']);
    const again = await importing(alice, [conversation('c-1'), conversation('c-2', { title: 'Second' })]);
    expect(again.body.results).toEqual(first.body.results.map((r: { session_id: string; source_id: string }) => ({ ...r, status: 'duplicate', messages: 0 })));
    const list = await (await alice.request('GET', '/sessions')).json();
    expect(list.sessions).toHaveLength(2);
    expect(await messagesOf(alice, first.body.results[0].session_id)).toHaveLength(2);

    // The same ids under another source are other conversations; another user imports their own copy.
    const other = await importing(alice, [conversation('c-1', { source: 'mrprompt' })]);
    expect(other.body.results[0].status).toBe('imported');
    // chatbot-ui's conversations are a source of their own (its ids are UUIDs, as ChatGPT's are).
    const chatbotUi = await importing(alice, [conversation('c-1', { source: 'chatbot-ui', created_at: null })]);
    expect(chatbotUi.body.results[0]).toMatchObject({ status: 'imported', messages: 2 });
    const chatbotUiSession = await (await alice.request('GET', `/sessions/${chatbotUi.body.results[0].session_id}`)).json();
    expect(chatbotUiSession.metadata).toEqual({ imported: { source: 'chatbot-ui', id: 'c-1' } });
    expect((await importing(alice, [conversation('c-1', { source: 'chatbot-ui' })])).body.results[0].status).toBe('duplicate');
    const bob = await api.createUser();
    const bobs = await importing(bob, [conversation('c-1')]);
    expect(bobs.body.results[0]).toMatchObject({ status: 'imported', messages: 2 });
    expect(bobs.body.results[0].session_id).not.toBe(first.body.results[0].session_id);
    expect((await bob.request('GET', `/sessions/${first.body.results[0].session_id}`)).status).toBe(404);

    expect((await alice.request('DELETE', `/sessions/${first.body.results[0].session_id}`)).status).toBe(204);
    const back = await importing(alice, [conversation('c-1')]);
    expect(back.body.results[0]).toMatchObject({ status: 'imported', messages: 2 });
  });

  it("this app's export imported into the same account finds its chats there", async () => {
    const alice = await api.createUser();
    const own = await (await alice.request('POST', '/sessions', { title: 'Mine' })).json();
    const { body } = await importing(alice, [conversation(own.id, { source: 'mrprompt' })]);
    expect(body.results[0]).toEqual({ source_id: own.id, status: 'duplicate', session_id: own.id, messages: 0 });
    // Someone else's session id is just a conversation id to Bob.
    const bob = await api.createUser();
    const bobs = await importing(bob, [conversation(own.id, { source: 'mrprompt' })]);
    expect(bobs.body.results[0].status).toBe('imported');
    expect(bobs.body.results[0].session_id).not.toBe(own.id);
  });

  it('a long conversation arrives in parts, in order; a repeated part adds nothing and a gap is refused', async () => {
    const alice = await api.createUser();
    const messages = Array.from({ length: 5 }, (_, i) => ({ sender: i % 2 ? 'assistant' : 'user', content: `message ${i}` }));
    const part = (offset: number, count: number) => ({ source: 'chatgpt', source_id: 'long', title: 'Long', offset, total: 5, messages: messages.slice(offset, offset + count) });
    const one = await importing(alice, [part(0, 2)]);
    expect(one.body.results[0]).toMatchObject({ status: 'partial', messages: 2 });
    const gap = await importing(alice, [part(3, 2)]);
    expect(gap.status).toBe(409);
    expect(gap.body.error.code).toBe('import_out_of_order');
    // A client that restarts sends part one again: only what is missing is added.
    const overlap = await importing(alice, [part(0, 4)]);
    expect(overlap.body.results[0]).toMatchObject({ status: 'partial', messages: 2, session_id: one.body.results[0].session_id });
    const last = await importing(alice, [part(4, 1)]);
    expect(last.body.results[0]).toMatchObject({ status: 'imported', messages: 1 });
    expect((await importing(alice, [part(0, 5)])).body.results[0].status).toBe('duplicate');
    const stored = await messagesOf(alice, one.body.results[0].session_id);
    expect(stored.map((m) => m.content)).toEqual(messages.map((m) => m.content));
    // One thread: each message follows the one before it, across parts, and the last is the chat's active leaf.
    const rows = await api.db.sql<{ id: string; parent_id: string | null }[]>`
      select id, parent_id from public.messages where session_id = ${one.body.results[0].session_id} order by created_at, id`;
    expect(rows.map((r) => r.parent_id)).toEqual([null, ...rows.slice(0, -1).map((r) => r.id)]);
    const [session] = await api.db.sql`select active_leaf_id from public.chat_sessions where id = ${one.body.results[0].session_id}`;
    expect(session.active_leaf_id).toBe(rows.at(-1)!.id);
  });

  it('a message longer than a request may be (100 000 CJK characters) arrives whole, in pieces; a repeated piece adds nothing, a gap is refused', async () => {
    const alice = await api.createUser();
    const long = '漢字かな交じり文'.repeat(12_500); // 100 000 characters, 300 000 bytes: over MAX_BODY_BYTES at once
    const pieces = [long.slice(0, 40_000), long.slice(40_000, 80_000), long.slice(80_000)];
    const question = { sender: 'user', content: 'Translate this' };
    const piece = (i: number) => ({ sender: 'assistant', content: pieces[i], content_offset: i * 40_000, content_total: 100_000 });
    const part = (offset: number, messages: unknown[]) => ({ source: 'chatgpt', source_id: 'cjk', title: 'CJK', offset, total: 3, messages });
    const first = await importing(alice, [part(0, [question, piece(0)])]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ status: 'partial', messages: 2 });
    const sessionId = first.body.results[0].session_id;
    const gap = await importing(alice, [part(1, [piece(2)])]);
    expect(gap.status).toBe(409);
    expect(gap.body.error.code).toBe('import_out_of_order');
    expect((await importing(alice, [part(1, [piece(1)])])).body.results[0]).toMatchObject({ status: 'partial', messages: 0, session_id: sessionId });
    // A client that restarts sends the first part again: nothing doubles.
    expect((await importing(alice, [part(0, [question, piece(0)])])).body.results[0]).toMatchObject({ status: 'partial', messages: 0 });
    const end = await importing(alice, [part(1, [piece(2), { sender: 'user', content: 'Thanks' }])]);
    expect(end.body.results[0]).toMatchObject({ status: 'imported', messages: 1, session_id: sessionId });
    expect((await importing(alice, [part(1, [piece(1)])])).body.results[0].status).toBe('duplicate');
    const stored = await messagesOf(alice, sessionId);
    expect(stored.map((m) => m.content)).toEqual(['Translate this', long, 'Thanks']);
    expect(stored.map((m) => m.status)).toEqual(['complete', 'complete', 'complete']);
  });

  it('counts a message as a chat does (characters, not UTF-16 units): 200 000 emoji fit, one more does not', async () => {
    const alice = await api.createUser();
    const emoji = '🙂'.repeat(50_000); // 50 000 characters, 100 000 UTF-16 units, 200 000 bytes
    const piece = (i: number, total = 200_000) => ({ sender: 'user', content: emoji, content_offset: i * 50_000, content_total: total });
    const part = (id: string, i: number, total?: number) => ({ source: 'chatgpt', source_id: id, offset: 0, total: 1, messages: [piece(i, total)] });
    for (let i = 0; i < 4; i++) expect((await importing(alice, [part('emoji', i)])).status).toBe(200);
    const [session] = (await (await alice.request('GET', '/sessions')).json()).sessions;
    expect((await messagesOf(alice, session.id))[0].content).toBe(emoji.repeat(4));
    const over = await importing(alice, [part('over', 3, 200_001)]);
    expect(over.status).toBe(400);
    const beyond = await importing(alice, [{ ...part('beyond', 3), messages: [{ ...piece(3), content: `${emoji}🙂` }] }]);
    expect(beyond.status).toBe(400);
    // A piece that leaves its message unfinished ends its part.
    const misplaced = await importing(alice, [{ source: 'chatgpt', source_id: 'misplaced', total: 2, messages: [piece(0), { sender: 'user', content: 'next' }] }]);
    expect(misplaced.status).toBe(400);
  });

  it('refuses times in the future (a chat dated 2099 would top the sidebar for good), with the field and the reason; a few minutes of clock skew pass', async () => {
    const alice = await api.createUser();
    const future = '2099-01-01T00:00:00.000Z';
    for (const [overrides, field] of [
      [{ created_at: future }, 'conversations.0.created_at'],
      [{ messages: [{ sender: 'user', content: 'From the future', created_at: future }], total: 1 }, 'conversations.0.messages.0.created_at'],
    ] as const) {
      const { status, body } = await importing(alice, [conversation('future', overrides)]);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(new RegExp(`^${field.replaceAll('.', '\\.')}: must not be in the future \\(the server's time is `));
    }
    // Nor before 2000 (the year 0000 is valid ISO 8601 and not a Postgres date).
    for (const created_at of ['1999-12-31T23:59:59Z', '0000-01-01T00:00:00Z']) {
      const { status, body } = await importing(alice, [conversation('past', { created_at })]);
      expect({ status, message: body.error.message }).toEqual({ status: 400, message: 'conversations.0.created_at: must not be before 2000' });
    }
    expect((await (await alice.request('GET', '/sessions')).json()).sessions).toEqual([]);

    // A client whose clock runs a minute ahead; and a message whose untrusted time was left out.
    const skewed = new Date(Date.now() + 60_000).toISOString();
    const { body } = await importing(alice, [conversation('skewed', {
      created_at: null,
      total: 3,
      messages: [
        { sender: 'user', content: 'Undated first', created_at: null },
        { sender: 'assistant', content: 'Dated', created_at: '2024-03-01T10:00:05.000Z' },
        { sender: 'user', content: 'Slightly ahead', created_at: skewed },
      ],
    })]);
    expect(body.results[0]).toMatchObject({ status: 'imported', messages: 3 });
    const session = await (await alice.request('GET', `/sessions/${body.results[0].session_id}`)).json();
    // The undated first message (and the chat) take the part's earliest time, not the import's.
    expect(new Date(session.created_at).toISOString()).toBe('2024-03-01T10:00:05.000Z');
    expect((await messagesOf(alice, session.id)).map((m) => [m.content, new Date(m.created_at as string).toISOString()])).toEqual([
      ['Undated first', '2024-03-01T10:00:05.000Z'],
      ['Dated', '2024-03-01T10:00:05.001Z'],
      ['Slightly ahead', skewed],
    ]);
  });

  it('an undated conversation starts early enough for its last message to land by now; a title over 200 characters is shortened at a word', async () => {
    const alice = await api.createUser();
    const title = `${'A long title '.repeat(20)}that ends far past 200 characters`;
    // The first part of a conversation of 100,000 undated messages, each a millisecond after the one before.
    const messages = [{ sender: 'user', content: 'first' }, { sender: 'assistant', content: 'second' }];
    const sent = Date.now();
    const { status, body } = await importing(alice, [{ source: 'chatgpt', source_id: 'undated', title, total: 100_000, messages }]);
    expect(status).toBe(200);
    const session = await (await alice.request('GET', `/sessions/${body.results[0].session_id}`)).json();
    const [first, second] = await messagesOf(alice, session.id);
    expect(sent - Date.parse(first.created_at as string)).toBeGreaterThanOrEqual(99_000);
    expect(Date.parse(second.created_at as string) - Date.parse(first.created_at as string)).toBe(1);
    expect(session.title).toBe(`${'A long title '.repeat(15)}A…`);
  });

  it('refuses what a chat cannot hold, and anonymous callers', async () => {
    const alice = await api.createUser();
    const bad = [
      [conversation('x', { messages: [{ sender: 'system', content: 'You are…' }], total: 1 })],
      [conversation('x', { messages: [{ sender: 'user', content: '' }], total: 1 })],
      [conversation('x', { messages: [], total: 1 })],
      [conversation('x', { total: 1 })],
      [conversation('x', { source: 'claude' })],
      [conversation('x', { user_id: alice.id })],
      [conversation('x', { messages: [{ sender: 'user', content: 'a\u0000b' }], total: 1 })],
      // A model name is a label, not a terminal: no control characters (C0, DEL, C1).
      [conversation('x', { messages: [{ sender: 'assistant', content: 'Hi', model: 'gpt-4o\u001b[31m' }], total: 1 })],
      [conversation('x', { messages: [{ sender: 'assistant', content: 'Hi', model: 'gpt\u009b4o' }], total: 1 })],
      [conversation('x', { messages: [{ sender: 'assistant', content: 'Hi', model: 'x'.repeat(201) }], total: 1 })],
      [],
    ];
    for (const conversations of bad) {
      const { status, body } = await importing(alice, conversations);
      expect(status, JSON.stringify(conversations).slice(0, 120)).toBe(400);
      expect(body.error.code).toBe('invalid_request');
    }
    expect((await api.request('POST', '/import', { conversations: [conversation('x')] })).status).toBe(401);
    const list = await (await alice.request('GET', '/sessions')).json();
    expect(list.sessions).toEqual([]);
  });
});

// The row quotas hold for the import's privileged writes (20261207000000_enforce_row_quotas_for_every_writer.sql),
// and a request that would pass one writes nothing.
describe('POST /import: row quotas', () => {
  async function importedBy(user: ApiUser) {
    const [row] = await api.db.sql`
      select (select count(*)::int from public.chat_sessions where user_id = ${user.id}) as chats,
             (select count(*)::int from public.messages where user_id = ${user.id}) as messages,
             (select count(*)::int from private.chat_imports where user_id = ${user.id}) as ledger`;
    return row;
  }

  it('one chat short of 50,000, two conversations are refused whole (409 limit_reached), one goes in', async () => {
    const alice = await api.createUser();
    await api.db.sql`insert into public.chat_sessions (user_id) select ${alice.id} from generate_series(1, 49999)`;
    const refused = await importing(alice, [conversation('fits'), conversation('one-too-many')]);
    expect(refused).toEqual({ status: 409, body: { error: { code: 'limit_reached', message: 'There can be at most 50,000 chat sessions per account; delete some before adding more' } } });
    expect(await importedBy(alice)).toEqual({ chats: 49999, messages: 0, ledger: 0 });

    expect((await importing(alice, [conversation('fits')])).status).toBe(200);
    expect(await importedBy(alice)).toEqual({ chats: 50000, messages: 2, ledger: 1 });
  });

  it('a conversation longer than a chat may be is refused at its first part, before anything is written', async () => {
    const bob = await api.createUser();
    const refused = await importing(bob, [conversation('short'), conversation('endless', { total: 100_001 })]);
    expect(refused).toEqual({ status: 409, body: { error: { code: 'limit_reached', message: 'There can be at most 100,000 messages per chat; start a new chat to go on' } } });
    expect(await importedBy(bob)).toEqual({ chats: 0, messages: 0, ledger: 0 });
  });

  it('messages past the account\'s 1,000,000 are refused, and the rest of the request with them', async () => {
    const carol = await api.createUser();
    // As if the account held 999,998 messages (private.user_row_counts is what the quota reads).
    await api.db.sql`insert into private.user_row_counts (user_id, messages) values (${carol.id}, 999998)`;
    expect((await importing(carol, [conversation('a')])).status).toBe(200);
    const refused = await importing(carol, [conversation('b', { total: 1, messages: [conversation('b').messages[0]] }), conversation('c')]);
    expect(refused).toEqual({ status: 409, body: { error: { code: 'limit_reached', message: 'There can be at most 1,000,000 messages per account; delete some before adding more' } } });
    expect(await importedBy(carol)).toEqual({ chats: 1, messages: 2, ledger: 1 });
  });
});
