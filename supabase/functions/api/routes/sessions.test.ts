// /api/sessions: CRUD, the sidebar list, message pages (keyset, stable with equal
// timestamps), IDOR and malformed input.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, newSession as createSession, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';
import { encodeCursor } from '../lib/cursor.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const newSession = (user: ApiUser, body: Record<string, unknown> = {}) => createSession<{ id: string; title: string; last_message_at: string }>(user, body);

/** Messages as the chat route writes them; `at` pins created_at (equal timestamps on purpose). */
async function insertMessages(user: ApiUser, sessionId: string, count: number, at?: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    ids.push(id);
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, sender, content, created_at)
      values (${id}, ${sessionId}, ${user.id}, ${i % 2 ? 'assistant' : 'user'}, ${`message ${i}`},
              ${at ? api.db.sql`${at}::text::timestamptz` : api.db.sql`clock_timestamp()`})`;
  }
  return ids;
}

async function allPages(user: ApiUser, sessionId: string, limit: number) {
  const pages: string[][] = [];
  let before: string | null = null;
  do {
    const query: string = `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    const res = await user.request('GET', `/sessions/${sessionId}/messages${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: { id: string }[]; next_cursor: string | null };
    pages.push(body.messages.map((m) => m.id));
    before = body.next_cursor;
  } while (before && pages.length < 100);
  return pages;
}

describe('sessions', () => {
  it('past the row quota a new session is a 409 limit_reached, not a 500', async () => {
    const alice = await api.createUser();
    await api.db.sql`insert into public.chat_sessions (user_id) select ${alice.id} from generate_series(1, 50000)`;
    const res = await alice.request('POST', '/sessions', {});
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'limit_reached', message: 'There can be at most 50,000 chat sessions per account; delete some before adding more' } });
  });

  it('creates, reads, renames, files and deletes a session', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice, { metadata: { provider: 'openai', model: 'gpt-4o-mini' } });
    expect(session).toMatchObject({ title: 'New chat', project_id: null, metadata: { provider: 'openai' } });
    const project = await (await alice.request('POST', '/projects', { name: 'Work' })).json();

    const patched = await alice.request('PATCH', `/sessions/${session.id}`, { title: 'Trip plans', project_id: project.id });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ title: 'Trip plans', project_id: project.id, metadata: { model: 'gpt-4o-mini' } });

    const unfiled = await alice.request('PATCH', `/sessions/${session.id}`, { project_id: null });
    expect(await unfiled.json()).toMatchObject({ project_id: null, title: 'Trip plans' });

    expect((await alice.request('DELETE', `/sessions/${session.id}`)).status).toBe(204);
    expect((await alice.request('GET', `/sessions/${session.id}`)).status).toBe(404);
  });

  it('lists by last activity, filters by project and pages with a cursor', async () => {
    const alice = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'P' })).json();
    const a = await newSession(alice, { title: 'a' });
    const b = await newSession(alice, { title: 'b', project_id: project.id });
    const c = await newSession(alice, { title: 'c' });
    await insertMessages(alice, a.id, 1); // a becomes the most recent

    const first = await (await alice.request('GET', '/sessions?limit=2')).json();
    expect(first.sessions.map((s: { id: string }) => s.id)).toEqual([a.id, c.id]);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await (await alice.request('GET', `/sessions?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second.sessions.map((s: { id: string }) => s.id)).toEqual([b.id]);
    expect(second.next_cursor).toBeNull();

    const filed = await (await alice.request('GET', `/sessions?project_id=${project.id}`)).json();
    expect(filed.sessions.map((s: { id: string }) => s.id)).toEqual([b.id]);
  });

  it('pins and archives: archived chats leave the default list, ?archived=true lists them, restoring brings them back', async () => {
    const alice = await api.createUser();
    const kept = await newSession(alice, { title: 'kept' });
    const old = await newSession(alice, { title: 'old' });
    const pinned = await (await alice.request('PATCH', `/sessions/${kept.id}`, { pinned: true })).json();
    expect(pinned.pinned_at).toEqual(expect.any(String));
    const again = await (await alice.request('PATCH', `/sessions/${kept.id}`, { pinned: true })).json();
    expect(again.pinned_at).toBe(pinned.pinned_at); // pinning twice keeps the first time
    const archived = await (await alice.request('PATCH', `/sessions/${old.id}`, { archived: true })).json();
    expect(archived.archived_at).toEqual(expect.any(String));

    const list = async (query = '') => (await (await alice.request('GET', `/sessions${query}`)).json()).sessions.map((s: { id: string }) => s.id);
    expect(await list()).toEqual([kept.id]);
    expect(await list('?archived=true')).toEqual([old.id]);
    expect(await list('?archived=false')).toEqual([kept.id]);
    expect((await alice.request('GET', '/sessions?archived=maybe')).status).toBe(400);
    // ?pinned=true: only pinned chats, however old (the sidebar reads them apart from the recent page).
    const other = await newSession(alice, { title: 'newer, not pinned' });
    expect(await list('?pinned=true')).toEqual([kept.id]);
    expect(await list('?pinned=true&archived=true')).toEqual([]);
    expect((await alice.request('GET', '/sessions?pinned=yes')).status).toBe(400);
    await alice.request('DELETE', `/sessions/${other.id}`);

    await alice.request('PATCH', `/sessions/${old.id}`, { archived: false });
    expect((await list()).sort()).toEqual([kept.id, old.id].sort());
    const unpinned = await (await alice.request('PATCH', `/sessions/${kept.id}`, { pinned: false })).json();
    expect(unpinned.pinned_at).toBeNull();

    const mallory = await api.createUser();
    expect((await mallory.request('PATCH', `/sessions/${kept.id}`, { archived: true })).status).toBe(404);
    expect((await alice.request('PATCH', `/sessions/${kept.id}`, { pinned: 'yes' })).status).toBe(400);
  });

  it('pages messages newest first, each page oldest to newest, stable with equal timestamps', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice);
    const sameInstant = '2026-01-01T12:00:00.123456Z';
    const ids = await insertMessages(alice, session.id, 7, sameInstant);
    const later = await insertMessages(alice, session.id, 2);

    const pages = await allPages(alice, session.id, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(9);
    expect(seen.sort()).toEqual([...ids, ...later].sort());
    // The newest page ends with the newest message; each page reads oldest → newest.
    expect(pages[0].slice(-2)).toEqual(later);
    // Ties at the same instant keep the branch's order (each message follows the one before).
    const tied = [...pages].reverse().flat().filter((id) => ids.includes(id));
    expect(tied).toEqual(ids);
  });

  it('keeps microsecond differences across page boundaries', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice);
    const ids: string[] = [];
    for (const at of ['2026-02-01T00:00:00.000001Z', '2026-02-01T00:00:00.000002Z', '2026-02-01T00:00:00.000003Z']) {
      ids.push(...(await insertMessages(alice, session.id, 1, at)));
    }
    expect(await allPages(alice, session.id, 1)).toEqual([[ids[2]], [ids[1]], [ids[0]]]);
  });

  it('returns an empty page and a null cursor for an empty session', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice);
    const res = await alice.request('GET', `/sessions/${session.id}/messages`);
    expect(await res.json()).toEqual({ messages: [], next_cursor: null, newer_cursor: null });
  });

  it('answers bad cursors and limits with 400', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice);
    const bad = [
      'not-base64!!',
      encodeCursor({ t: 'yesterday', id: randomUUID() }),
      encodeCursor({ t: '2026-01-01T00:00:00Z', id: 'nope' }),
      encodeCursor({ t: '2026-01-01T00:00:00Z', id: randomUUID(), extra: 1 }),
      Buffer.from('[1,2]').toString('base64url'),
      'x'.repeat(600),
    ];
    for (const before of bad) {
      const res = await alice.request('GET', `/sessions/${session.id}/messages?before=${encodeURIComponent(before)}`);
      expect(res.status, before).toBe(400);
      expect((await res.json()).error.code).toMatch(/invalid_cursor|invalid_request/);
    }
    for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
      const res = await alice.request('GET', `/sessions/${session.id}/messages?limit=${limit}`);
      expect(res.status, limit).toBe(400);
    }
    expect((await alice.request('GET', `/sessions?cursor=${encodeURIComponent('%%%')}`)).status).toBe(400);
  });

  it("answers 404 for another user's session and never shows its messages", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const session = await newSession(alice, { title: 'Private' });
    await insertMessages(alice, session.id, 2);
    const bobProject = await (await bob.request('POST', '/projects', { name: 'B' })).json();
    const attempts: [string, string, unknown?][] = [
      ['GET', `/sessions/${session.id}`],
      ['PATCH', `/sessions/${session.id}`, { title: 'Hijacked' }],
      ['PATCH', `/sessions/${session.id}`, { project_id: bobProject.id }],
      ['DELETE', `/sessions/${session.id}`],
      ['GET', `/sessions/${session.id}/messages`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bob.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Nor can Bob file his own session under Alice's project.
    const aliceProject = await (await alice.request('POST', '/projects', { name: 'A' })).json();
    expect((await bob.request('POST', '/sessions', { project_id: aliceProject.id })).status).toBe(404);
    const mine = await newSession(bob);
    expect((await bob.request('PATCH', `/sessions/${mine.id}`, { project_id: aliceProject.id })).status).toBe(404);
    expect((await (await alice.request('GET', `/sessions/${session.id}`)).json()).title).toBe('Private');
  });

  it('answers malformed input with 400 JSON, never 500', async () => {
    const alice = await api.createUser();
    const session = await newSession(alice);
    const cases: [string, string, unknown][] = [
      ['POST', '/sessions', { title: '' }],
      ['POST', '/sessions', { title: 'x'.repeat(201) }],
      ['POST', '/sessions', { metadata: 'nope' }],
      ['POST', '/sessions', { metadata: { big: 'x'.repeat(20_000) } }],
      ['POST', '/sessions', { project_id: 'nope' }],
      ['POST', '/sessions', { title: 'a\u0000b' }],
      ['POST', '/sessions', { metadata: { note: 'a\u0000b' } }],
      ['POST', '/sessions', { metadata: { 'key\u0000': 1 } }],
      ['POST', '/sessions', { user_id: randomUUID() }],
      ['POST', '/sessions', [1, 2]],
      ['PATCH', `/sessions/${session.id}`, {}],
      ['PATCH', `/sessions/${session.id}`, { title: null }],
      ['GET', '/sessions/123', undefined],
      ['GET', `/sessions?project_id=abc`, undefined],
      ['GET', `/sessions?unknown=1`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await alice.request(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });
});

describe('every chat at once', () => {
  it("archives every chat in the caller's list, their group chats too, for them only, and says how many", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const carol = await api.createUser();
    const [a1, a2, a3] = [await newSession(alice), await newSession(alice), await newSession(alice)];
    expect((await alice.request('PATCH', `/sessions/${a3.id}`, { archived: true })).status).toBe(200);
    // Bob's group chats: Alice is a member of one and a viewer of another; Carol is in the first.
    const [theirs, watched, notHers] = [await newSession(bob), await newSession(bob), await newSession(bob)];
    await joinGroupChat(bob, alice, theirs.id, 'member');
    await joinGroupChat(bob, alice, watched.id, 'viewer');
    await joinGroupChat(bob, carol, theirs.id, 'member');

    const res = await alice.request('POST', '/sessions/archive-all');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ archived: 4 });
    const archived = await api.db.sql`select session_id as id from public.session_marks where user_id = ${alice.id} and archived_at is not null`;
    expect(archived.map((r) => r.id).sort()).toEqual([a1.id, a2.id, a3.id, theirs.id, watched.id].sort());
    const list = async (user: ApiUser, query = '') =>
      ((await (await user.request('GET', `/sessions${query}`)).json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id).sort();
    expect(await list(alice)).toEqual([]);
    expect(await list(alice, '?archived=true')).toEqual([a1.id, a2.id, a3.id, theirs.id, watched.id].sort());
    // Her marks only: the owner's and the other member's lists keep the group chats.
    expect(await list(bob)).toEqual([theirs.id, watched.id, notHers.id].sort());
    expect(await list(carol)).toEqual([theirs.id]);
    expect(await api.db.sql`select user_id from public.session_marks where session_id in ${api.db.sql([theirs.id, watched.id, notHers.id])} and user_id <> ${alice.id}`).toEqual([]);
    expect(await (await alice.request('POST', '/sessions/archive-all')).json()).toEqual({ archived: 0 });
    expect((await api.request('POST', '/sessions/archive-all')).status).toBe(401);
  });

  it("deletes the caller's chats with their messages, only when asked with all=true", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const mine = [await newSession(alice), await newSession(alice)];
    await insertMessages(alice, mine[0]!.id, 3);
    expect((await alice.request('PATCH', `/sessions/${mine[1]!.id}`, { archived: true })).status).toBe(200);
    const theirs = await newSession(bob);
    await insertMessages(bob, theirs.id, 2);
    await joinGroupChat(bob, alice, theirs.id, 'member');

    for (const query of ['', '?all=false', '?all=1', '?all=true&archived=true']) {
      expect((await alice.request('DELETE', `/sessions${query}`)).status, query).toBe(400);
    }
    expect(await api.db.sql`select id from public.chat_sessions where user_id = ${alice.id}`).toHaveLength(2);

    const res = await alice.request('DELETE', '/sessions?all=true');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 2 });
    expect(await api.db.sql`select id from public.chat_sessions where user_id = ${alice.id}`).toHaveLength(0);
    expect(await api.db.sql`select id from public.messages where session_id = ${mine[0]!.id}`).toHaveLength(0);
    expect(await api.db.sql`select id from public.messages where session_id = ${theirs.id}`).toHaveLength(2);
    expect((await alice.request('GET', `/sessions/${theirs.id}`)).status).toBe(200);
    expect((await api.request('DELETE', '/sessions?all=true')).status).toBe(401);
  });
});

describe('abandoned answers', () => {
  it('settles an answer whose process died (no live lease) as an error, keeping its text; live ones stay streaming', async () => {
    const user = await api.createUser();
    const [stale, live] = [randomUUID(), randomUUID()];
    const [staleSession, liveSession] = [await newSession(user), await newSession(user)];
    // The stale answer's turn lease lapsed; the live one's process still renews it.
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, sender, status)
      values (${stale}, ${staleSession.id}, ${user.id}, 'assistant', 'streaming'),
             (${live}, ${liveSession.id}, ${user.id}, 'assistant', 'streaming')`;
    await api.db.sql`
      insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at)
      values (${stale}, ${staleSession.id}, ${user.id}, now() - interval '1 minute'),
             (${live}, ${liveSession.id}, ${user.id}, now() + interval '1 minute')`;
    await api.db.sql`
      insert into private.message_chunks (message_id, first_seq, units, content)
      values (${stale}, 1, '{11}', 'half an ans'), (${live}, 1, '{11}', 'still going')`;

    const page = async (sessionId: string) => {
      const res = await user.request('GET', `/sessions/${sessionId}/messages`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { messages: { id: string; status: string; content: string; error: string | null }[] }).messages;
    };
    expect((await page(staleSession.id)).find((m) => m.id === stale)).toMatchObject({ status: 'error', content: 'half an ans', error: expect.stringMatching(/interrupted/) });
    expect((await page(liveSession.id)).find((m) => m.id === live)).toMatchObject({ status: 'streaming', content: 'still going' });
  });

  it("settles the owner's abandoned answer when a member of the group chat opens it", async () => {
    const [owner, member] = [await api.createUser(), await api.createUser()];
    const session = await newSession(owner);
    await api.db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${session.id}, ${owner.id}, ${member.id}, 'viewer')`;
    const answer = randomUUID();
    await api.db.sql`insert into public.messages (id, session_id, user_id, sender, status) values (${answer}, ${session.id}, ${owner.id}, 'assistant', 'streaming')`;
    await api.db.sql`insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at) values (${answer}, ${session.id}, ${owner.id}, now() - interval '1 minute')`;
    await api.db.sql`insert into private.message_chunks (message_id, first_seq, units, content) values (${answer}, 1, '{4}', 'half')`;

    const res = await member.request('GET', `/sessions/${session.id}/messages`);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { id: string; status: string; content: string }[] };
    expect(messages.find((m) => m.id === answer)).toMatchObject({ status: 'error', content: 'half' });
    // A stranger's request for the same chat is a 404 and settles nothing of the owner's.
    const stranger = await api.createUser();
    expect((await stranger.request('GET', `/sessions/${session.id}/messages`)).status).toBe(404);
  });
});
