/**
 * SQL injection (issue 6, item 3): classic and Postgres-specific payloads in every free-text
 * field (project, session, prompt, profile, chat message, prompt variables) are stored and
 * returned byte for byte, and in every filter (search, prompt search, tag, cursors, ids) they
 * are answered as data — never a 5xx, never another user's rows, and the schema and the other
 * user's data are untouched afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { allEvents, dataOf } from '../faults/helpers.ts';

const PAYLOADS = [
  "' or '1'='1",
  "'; drop table public.messages; --",
  "\"; delete from public.prompts where true; --",
  "x' union select id, encrypted_key from public.api_credentials --",
  "'); select pg_sleep(0); --",
  "$$; truncate auth.users cascade; $$",
  "1; update public.profiles set role = 'admin'; --",
  "%' and 1=1 and '%'='",
  "\\'; copy (select '') to program 'id'; --",
  "' || (select string_agg(email, ',') from auth.users) || '",
  "E'\\x27' or true --",
  "secret & !public | (x:*) <-> 'y'",
  '{{system}} {{__proto__}} \'}}',
];

let api: ApiHarness;
let alice: ApiUser;
let bob: ApiUser;
let bobCounts: Record<string, number>;

async function countsFor(userId: string) {
  const [row] = await api.db.sql<Record<string, number>[]>`
    select (select count(*) from public.projects where user_id = ${userId})::int as projects,
           (select count(*) from public.prompts where user_id = ${userId})::int as prompts,
           (select count(*) from public.chat_sessions where user_id = ${userId})::int as sessions,
           (select count(*) from public.messages where user_id = ${userId})::int as messages,
           (select count(*) from public.api_credentials where user_id = ${userId})::int as credentials,
           (select role from public.profiles where id = ${userId}) = 'user' as still_user`;
  return row!;
}

const json = async <T>(res: Response, label: string): Promise<T> => {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  return JSON.parse(text) as T;
};

beforeAll(async () => {
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '100000', CHAT_RATE_REFILL_PER_SECOND: '1000', LOG_LEVEL: 'silent' } });
  alice = await api.createUser();
  bob = await api.createUser();
  // Bob's data, which no payload may reveal or damage.
  await bob.request('POST', '/projects', { name: 'bob project', description: 'bob secret' });
  await bob.request('POST', '/prompts', { title: 'bob prompt', content: 'bob secret prompt', is_public: false });
  await bob.request('PUT', '/credentials/openai', { api_key: 'sk-bob-secret-key-1234' });
  await allEvents(await bob.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo bob secret chat' }));
  bobCounts = await countsFor(bob.id);
});
afterAll(async () => {
  await api?.close();
});

it.each(PAYLOADS.map((p) => [p]))('stored verbatim in every text field: %s', async (payload) => {
  const project = await json<{ id: string; name: string; description: string }>(
    await alice.request('POST', '/projects', { name: payload, description: payload }), 'project');
  expect([project.name, project.description]).toEqual([payload, payload]);
  const [projectRow] = await api.db.sql`select name, description from public.projects where id = ${project.id}`;
  expect(projectRow).toEqual({ name: payload, description: payload });

  const prompt = await json<{ id: string; title: string; content: string; description: string }>(
    await alice.request('POST', '/prompts', { title: payload, description: payload, content: `${payload} {{topic}}`, commit_message: payload }), 'prompt');
  expect([prompt.title, prompt.description, prompt.content]).toEqual([payload, payload, `${payload} {{topic}}`]);
  const render = await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { topic: payload } });
  if (payload.includes('{{')) {
    // The payload itself declares variables ({{__proto__}} among them): they are missing, not evaluated.
    expect(render.status).toBe(422);
    expect(((await render.json()) as { error: { code: string } }).error.code).toBe('missing_variables');
  } else {
    expect((await json<{ rendered: string }>(render, 'render')).rendered).toBe(`${payload} ${payload}`);
  }
  const [versionRow] = await api.db.sql`select title, content, commit_message from public.prompt_versions where prompt_id = ${prompt.id}`;
  expect(versionRow).toEqual({ title: payload, content: `${payload} {{topic}}`, commit_message: payload });

  const me = await json<{ display_name: string; custom_instructions: string }>(
    await alice.request('PATCH', '/me', { display_name: payload, custom_instructions: payload }), 'me');
  expect([me.display_name, me.custom_instructions]).toEqual([payload, payload]);

  const session = await json<{ id: string; title: string }>(
    await alice.request('POST', '/sessions', { title: payload, project_id: project.id, metadata: { note: payload, [payload]: 1 } }), 'session');
  expect(session.title).toBe(payload);

  const events = await allEvents(await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: `/echo ${payload}`, session_id: session.id }));
  expect(dataOf(events, 'done')).toMatchObject({ status: 'complete' });
  const page = await json<{ messages: { sender: string; content: string }[] }>(
    await alice.request('GET', `/sessions/${session.id}/messages`), 'messages');
  expect(page.messages.map((m) => [m.sender, m.content])).toEqual([['user', `/echo ${payload}`], ['assistant', payload]]);
});

it.each(PAYLOADS.map((p) => [p]))('answered as data in every filter: %s', async (payload) => {
  const q = encodeURIComponent(payload);
  const filters = [
    `/search?q=${q}`,
    `/prompts?q=${q}`,
    `/prompts?scope=public&q=${q}`,
    `/prompts?tag=${q}`,
    `/prompts?cursor=${q}`,
    `/sessions?cursor=${q}`,
    `/sessions?project_id=${q}`,
    `/sessions/${crypto.randomUUID()}/messages?before=${q}`,
    `/usage?from=${q}`,
    `/usage?group_by=${q}`,
    `/projects/${q}`,
    `/prompts/${q}/versions/${q}`,
    `/credentials/${q}`,
  ];
  for (const path of filters) {
    const res = await alice.request('GET', path);
    const text = await res.text();
    expect(res.status, `${path}: ${text.slice(0, 300)}`).toBeLessThan(500);
    expect(text, path).not.toMatch(/bob secret|bob project|bob prompt|sk-bob|v\d+\.[\w-]{16}\./);
    expect(text, path).not.toContain(bob.email);
    if (res.status >= 400) expect(JSON.parse(text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  }
  // A label name and a provider id in the path of a write.
  for (const [method, path] of [['PUT', `/prompts/${crypto.randomUUID()}/labels/${q}`], ['DELETE', `/credentials/${q}`], ['POST', `/credentials/${q}/verify`]]) {
    const res = await alice.request(method, path, method === 'PUT' ? { version: 1 } : undefined);
    expect(res.status, `${method} ${path}`).toBeLessThan(500);
  }
});

it('afterwards the schema and the other user are untouched', async () => {
  expect(await countsFor(bob.id)).toEqual(bobCounts);
  const [tables] = await api.db.sql`
    select count(*)::int as n from pg_tables where schemaname = 'public'
       and tablename in ('messages', 'prompts', 'projects', 'chat_sessions', 'api_credentials', 'profiles')`;
  expect(tables!.n).toBe(6);
  const [users] = await api.db.sql`select count(*)::int as n from auth.users where id in (${alice.id}, ${bob.id})`;
  expect(users!.n).toBe(2);
  const [aliceRole] = await api.db.sql`select role from public.profiles where id = ${alice.id}`;
  expect(aliceRole!.role).toBe('user');
  // Search by a payload finds Alice's own text and nothing of Bob's.
  const hits = await json<{ results: { snippet: string }[] }>(await alice.request('GET', `/search?q=${encodeURIComponent('secret')}`), 'search');
  expect(JSON.stringify(hits)).not.toContain('bob');
});
