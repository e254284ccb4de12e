/**
 * Heavy routes (issue 10, finding 12):
 *  - the account export is streamed: while the client has read only the start of a large
 *    export, the server is still reading (its transaction is open), instead of having
 *    loaded everything into memory first; a client that goes away ends that transaction;
 *  - search, usage and export share a per-user `heavy` bucket: past it, 429 + Retry-After,
 *    while other users are unaffected.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, eventually, type ApiHarness } from '../helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { HEAVY_RATE_CAPACITY: '15', HEAVY_RATE_REFILL_PER_SECOND: '0.01', LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await api?.close();
});

const openTransactions = async () => {
  const [row] = await api.db.sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`;
  return row!.n;
};

it('streams the export: the server is still reading while the client has only the start', async () => {
  const alice = await api.createUser();
  const line = 'x'.repeat(1000);
  await api.db.sql`
    with s as (insert into public.chat_sessions (user_id, title) select ${alice.id}, 'chat ' || g from generate_series(1, 4) g returning id)
    insert into public.messages (session_id, user_id, sender, content)
    select s.id, ${alice.id}, 'user', ${line} || g from s, generate_series(1, 800) g`;

  const res = await alice.request('GET', '/me/export');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value).startsWith('{"format":"mrprompt-export/1"')).toBe(true);
  // ~3 MB of messages cannot fit the stream's small queue: the reading transaction waits.
  expect(await openTransactions()).toBeGreaterThan(0);
  await reader.cancel();
  await eventually(async () => (await openTransactions()) === 0);
});

it('a full export is one valid JSON document with every message', async () => {
  const bob = await api.createUser();
  await api.db.sql`
    with s as (insert into public.chat_sessions (user_id, title) values (${bob.id}, 'one'), (${bob.id}, 'two') returning id)
    insert into public.messages (session_id, user_id, sender, content)
    select s.id, ${bob.id}, 'user', 'm' || g from s, generate_series(1, 1200) g`;
  const res = await bob.request('GET', '/me/export');
  const data = JSON.parse(await res.text());
  expect(data.sessions).toHaveLength(2);
  expect(data.sessions.map((s: { messages: unknown[] }) => s.messages.length)).toEqual([1200, 1200]);
  expect(data.usage_logs).toEqual([]);
});

it('limits heavy reads per user with 429 and Retry-After, not other users', async () => {
  const carol = await api.createUser();
  const statuses: number[] = [];
  for (let i = 0; i < 16; i++) statuses.push((await carol.request('GET', `/search?q=hello${i}`)).status);
  expect(statuses.slice(0, 15).every((s) => s === 200)).toBe(true);
  const refused = await carol.request('GET', '/usage');
  expect(statuses[15]).toBe(429);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });

  // An export costs 10 of the 15: a second one at once is refused.
  const dave = await api.createUser();
  expect((await dave.request('GET', '/me/export')).status).toBe(200);
  expect((await dave.request('GET', '/me/export')).status).toBe(429);
  expect((await dave.request('GET', '/search?q=x')).status).toBe(200);
});

it('a still-valid token of a deleted account gets 401 from the limited routes, not 500', async () => {
  const erin = await api.createUser();
  expect((await erin.request('DELETE', '/me')).status).toBe(204);
  for (const path of ['/me/export', '/search?q=x', '/usage']) {
    const res = await erin.request('GET', path);
    expect(res.status, path).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  }
});
