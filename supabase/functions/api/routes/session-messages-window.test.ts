// GET /sessions/{id}/messages?around=<message id> and ?after=<cursor>: a window of the active
// branch around a message however far back (a search hit), paged both ways from there; a
// message of another branch, another chat or a chat the caller cannot read is a 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { readBranchAround, readBranchNewer } from '../lib/chat/branch-window.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

interface Page { messages: { id: string; content: string }[]; next_cursor: string | null; newer_cursor: string | null }

/** A chat of `count` messages "m 1" … "m <count>", one thread (each the reply to the one before); their ids in order. */
async function longChat(user: ApiUser, count: number): Promise<{ sessionId: string; ids: string[] }> {
  const [{ id: sessionId }] = await api.db.sql<{ id: string }[]>`
    insert into public.chat_sessions (user_id, title) values (${user.id}, 'Long') returning id`;
  await api.db.sql`
    insert into public.messages (session_id, user_id, sender, content, created_at)
    select ${sessionId}, ${user.id}, case when i % 2 = 1 then 'user' else 'assistant' end, 'm ' || i,
           now() - make_interval(secs => ${count + 10} - i)
      from generate_series(1, ${count}) as i`;
  // Fresh statistics, as a real database has them after autovacuum's analyze: plans are made
  // with the table's real size and spread, not the defaults of a never-analysed table.
  await api.db.sql`analyze public.messages`;
  const rows = await api.db.sql<{ id: string }[]>`select id from public.messages where session_id = ${sessionId} order by created_at, id`;
  return { sessionId, ids: rows.map((r) => r.id) };
}

async function page(user: ApiUser, sessionId: string, query: string): Promise<Page> {
  const res = await user.request('GET', `/sessions/${sessionId}/messages?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}
const texts = (p: Page) => p.messages.map((m) => m.content);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m ${from + i}`);

describe('GET /sessions/{id}/messages?around=', { timeout: 120_000 }, () => {
  it('opens a window around a message thousands back, and pages older and newer from it without gaps or repeats', async () => {
    const alice = await api.createUser();
    const { sessionId, ids } = await longChat(alice, 3000);
    // m 5 of 3,000: a third of the window after it, the rest before it (only four exist).
    const near = await page(alice, sessionId, `around=${ids[4]}&limit=30`);
    expect(texts(near)).toEqual(range(1, 15));
    expect(near.next_cursor).toBeNull();
    expect(near.newer_cursor).not.toBeNull();
    // Scrolling down from there reaches the newest message, each message once, in order.
    const seen = texts(near);
    let after = near.newer_cursor;
    for (let pages = 0; after && pages < 40; pages++) {
      const newer = await page(alice, sessionId, `after=${encodeURIComponent(after)}&limit=100`);
      seen.push(...texts(newer));
      after = newer.newer_cursor;
    }
    expect(after).toBeNull();
    expect(seen).toEqual(range(1, 3000));

    // In the middle: both ways open; `before` continues upwards from the window.
    const middle = await page(alice, sessionId, `around=${ids[1499]}&limit=30`);
    expect(texts(middle)).toEqual(range(1481, 1510));
    const older = await page(alice, sessionId, `before=${encodeURIComponent(middle.next_cursor!)}&limit=5`);
    expect(texts(older)).toEqual(range(1476, 1480));
    expect(older.newer_cursor).toBeNull(); // a newest-first page: the reader already has what follows
    const newer = await page(alice, sessionId, `after=${encodeURIComponent(middle.newer_cursor!)}&limit=5`);
    expect(texts(newer)).toEqual(range(1511, 1515));

    // The first message and the last: the window stops at the ends.
    const first = await page(alice, sessionId, `around=${ids[0]}&limit=9`);
    expect(texts(first)).toEqual(range(1, 4));
    expect(first.next_cursor).toBeNull();
    const last = await page(alice, sessionId, `around=${ids[2999]}&limit=9`);
    expect(texts(last)).toEqual(range(2992, 3000));
    expect(last.newer_cursor).toBeNull();
    expect(last.next_cursor).not.toBeNull();
    // After the newest message there is nothing (yet).
    const end = await page(alice, sessionId, `after=${encodeURIComponent(newer.newer_cursor!)}&limit=100`);
    expect(end.messages.length).toBe(100);
    const tail = await page(alice, sessionId, `around=${ids[2999]}&limit=1`);
    expect(texts(tail)).toEqual(['m 3000']);
  });

  it('finds a message only on the branch shown: another version is a 404 until the chat shows it', async () => {
    const alice = await api.createUser();
    const { sessionId, ids } = await longChat(alice, 40);
    // Another version of m 3 (an edit): a sibling with its own reply.
    const edit = randomUUID();
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, parent_id, sender, content, created_at)
      values (${edit}, ${sessionId}, ${alice.id}, ${ids[1]}, 'user', 'm 3 edited', now())`;
    await api.db.sql`
      insert into public.messages (session_id, user_id, parent_id, sender, content, created_at)
      values (${sessionId}, ${alice.id}, ${edit}, 'assistant', 'reply to the edit', now() + interval '1 second')`;
    expect((await alice.request('POST', `/sessions/${sessionId}/branch`, { message_id: ids[39] })).status).toBe(200);
    const res = await alice.request('GET', `/sessions/${sessionId}/messages?around=${edit}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
    // The original m 3 is on it, with its sibling counted.
    const original = await page(alice, sessionId, `around=${ids[2]}&limit=6`);
    expect(texts(original)).toEqual(range(1, 5));
    expect(original.messages[2]).toMatchObject({ siblings: { count: 2, index: 1, next_id: edit } });
    // Shown (the search hit's click switches to it), the edit's window is its branch.
    expect((await alice.request('POST', `/sessions/${sessionId}/branch`, { message_id: edit })).status).toBe(200);
    const switched = await page(alice, sessionId, `around=${edit}&limit=6`);
    expect(texts(switched)).toEqual(['m 1', 'm 2', 'm 3 edited', 'reply to the edit']);
    expect(switched.newer_cursor).toBeNull();
    // A cursor after a message that left the branch shown: 404, the reader re-reads the newest page.
    const stale = await alice.request('GET', `/sessions/${sessionId}/messages?after=${encodeURIComponent(original.newer_cursor!)}`);
    expect(stale.status).toBe(404);
  });

  it("answers 404 for a chat the caller cannot read and for another chat's message; 400 for bad input", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const { sessionId, ids } = await longChat(alice, 5);
    const { sessionId: bobs } = await longChat(bob, 5);
    for (const [who, session, code] of [[bob, sessionId, 'not_found'], [bob, bobs, 'not_found'], [alice, randomUUID(), 'not_found']] as const) {
      const res = await who.request('GET', `/sessions/${session}/messages?around=${ids[2]}`);
      expect(res.status).toBe(404);
      const body = await res.json();
      expect(body.error.code).toBe(code);
      expect(JSON.stringify(body)).not.toContain('m 3');
    }
    for (const query of ['around=nope', `around=${ids[2]}&before=x`, `around=${ids[2]}&after=x`, 'after=not-a-cursor', `around=${ids[2]}&limit=101`]) {
      expect((await alice.request('GET', `/sessions/${sessionId}/messages?${query}`)).status, query).toBe(400);
    }
  });
  // Security review 6 #1: the window was found by a walk up every message from the newest to
  // the hit (one key lookup each: 100k for a hit at the start of a 100k-message chat, and 32
  // such reads at once held up every other user's reads). Now the depth it needs is reached
  // from the leaf by jump pointers: a few dozen lookups at any distance. Counted by Postgres
  // for the reading transaction itself, under the reader's RLS, on an analysed table.
  it('reads a window at the start of a long chat with a bounded number of lookups, never one per message after it', async () => {
    const alice = await api.createUser();
    const { sessionId, ids } = await longChat(alice, 3000);
    const reader = { id: alice.id, email: alice.email, claims: { sub: alice.id, role: 'authenticated', aud: 'authenticated' } };
    type Sql = Parameters<typeof readBranchAround>[0];
    // pg_stat_xact_user_tables reads the backend's pending counts, which also hold earlier
    // transactions' on the same connection until they are flushed (at most once a second, when
    // the backend is idle outside a transaction: PostgreSQL's pgstat.c, PGSTAT_MIN_INTERVAL) —
    // seen here as up to ~3,900 scans of the previous tests' pages. Nothing is flushed inside a
    // transaction, so the read's own scans are the difference from a reading taken in it first.
    const scans = async (sql: Sql) => {
      const [stats] = await sql<{ idx_scan: string; seq_scan: string }[]>`
        select idx_scan, seq_scan from pg_stat_xact_user_tables where relid = 'public.messages'::regclass`;
      return { idx: Number(stats?.idx_scan ?? 0), seq: Number(stats?.seq_scan ?? 0) };
    };
    const lookups = <T,>(fn: (sql: Sql) => Promise<T>) => api.apiDb.withUserTransaction(reader, async (sql) => {
      const before = await scans(sql);
      const result = await fn(sql);
      const after = await scans(sql);
      return { result, idx: after.idx - before.idx, seq: after.seq - before.seq };
    });
    const first = await lookups((sql) => readBranchAround(sql, sessionId, ids[0], 30));
    expect(first.result?.rows.map((r) => r.content).reverse()).toEqual(range(1, 11));
    expect(first.result?.more).toBe(true);
    // About 4 log2(depth) for the climb and up to 3 per message read (the row, its siblings):
    // ~75 here, where the old walk made ~3,000 (one per message up from the newest).
    expect(first.idx).toBeLessThan(400);
    expect(first.seq).toBe(0);
    const newer = await lookups((sql) => readBranchNewer(sql, sessionId, ids[10], 100));
    expect(newer.result?.rows.slice(0, 100).map((r) => r.content).reverse()).toEqual(range(12, 111));
    expect(newer.idx).toBeLessThan(800); // ~3 per message of the page; the old walk ~3,000
    expect(newer.seq).toBe(0);
    // The last message: nothing newer; another chat's message is not found.
    expect((await lookups((sql) => readBranchNewer(sql, sessionId, ids[2999], 100))).result).toEqual({ rows: [], size: 0, more: false });
    const other = await longChat(alice, 3);
    expect((await lookups((sql) => readBranchAround(sql, sessionId, other.ids[0], 30))).result).toBeNull();
  });
});
