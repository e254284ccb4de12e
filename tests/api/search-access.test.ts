// GET /api/search by actor: what each person finds is exactly what they can read — the owner
// their chats (members' messages in them too), a member or viewer the group chats they are in
// (not the owner's other chats), and nobody anything of a chat they left, were removed from, or
// were never in. Titles are found too, an answer's reasoning, archived chats are marked, and the
// matches come in pages with a count (QA7 #2, #3).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { newChat, searchAs } from '../helpers/search-api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

interface Results {
  chats: { session_id: string; title: string; title_snippet: string; archived: boolean; shared: boolean }[];
  results: { message_id: string; session_id: string; snippet: string; in_reasoning: boolean; archived: boolean; shared: boolean }[];
  total: number;
  total_kind: 'exact' | 'at_least' | 'at_most';
  next_cursor: string | null;
}

const search = (user: ApiUser, q: string, extra = '') => searchAs<Results>(user, q, extra);

const chat = newChat;

/** A finished message in `sessionId` (owned by `owner`), written by `author`. */
async function say(sessionId: string, owner: ApiUser, author: ApiUser, content: string, reasoning = '', sender = 'user'): Promise<string> {
  const id = randomUUID();
  await api.db.sql`
    insert into public.messages (id, session_id, user_id, author_id, sender, content, reasoning)
    values (${id}, ${sessionId}, ${owner.id}, ${author.id}, ${sender}, ${content}, ${reasoning})`;
  return id;
}

describe('search by actor', () => {
  it("finds what each person can read: the owner's chats, a member's and a viewer's group chat, nothing for anyone else", async () => {
    const [owner, member, viewer, leaver, removed, stranger] = await Promise.all(Array.from({ length: 6 }, () => api.createUser()));
    const word = `kumquat${randomUUID().slice(0, 6)}`;
    const group = await chat(owner, `Team ${word} plans`);
    const own = await chat(owner, `Private ${word} notes`);
    for (const who of [member, leaver, removed]) await joinGroupChat(owner, who, group, 'member');
    await joinGroupChat(owner, viewer, group, 'viewer');
    const ownersWord = await say(group, owner, owner, `the owner says ${word}`);
    const membersWord = await say(group, owner, member, `a member says ${word}`);
    const privateWord = await say(own, owner, owner, `only mine: ${word}`);
    expect((await leaver.request('DELETE', `/sessions/${group}/members/${leaver.id}`)).status).toBe(204);
    expect((await owner.request('DELETE', `/sessions/${group}/members/${removed.id}`)).status).toBe(204);

    const forOwner = await search(owner, word);
    expect(forOwner.results.map((r) => r.message_id).sort()).toEqual([ownersWord, membersWord, privateWord].sort());
    expect(forOwner.results.every((r) => !r.shared)).toBe(true);
    expect(forOwner.chats.map((c) => c.session_id).sort()).toEqual([group, own].sort());
    expect(forOwner).toMatchObject({ total: 3, total_kind: 'exact', next_cursor: null });

    for (const who of [member, viewer]) {
      const found = await search(who, word);
      expect(found.results.map((r) => r.message_id).sort()).toEqual([ownersWord, membersWord].sort());
      expect(found.results.every((r) => r.shared && r.session_id === group)).toBe(true);
      expect(found.chats.map((c) => [c.session_id, c.shared])).toEqual([[group, true]]);
      expect(found.chats[0].title_snippet).toBe(`Team «${word}» plans`);
      expect(found.total).toBe(2);
    }
    for (const who of [leaver, removed, stranger]) {
      expect(await search(who, word)).toEqual({ chats: [], results: [], total: 0, total_kind: 'exact', next_cursor: null });
    }
  });

  it("finds a chat by its title and a message by its answer's reasoning, and marks the caller's archived chats", async () => {
    const [owner, member] = await Promise.all([api.createUser(), api.createUser()]);
    const tag = `zebracorn${randomUUID().slice(0, 6)}`;
    const old = await chat(owner, `Quarterly ${tag} budget`);
    const thought = `zephyrine${randomUUID().slice(0, 6)}`;
    const answer = await say(old, owner, owner, 'The budget is fine.', `Let me think about ${thought} before answering.`, 'assistant');
    await joinGroupChat(owner, member, old, 'viewer');
    expect((await owner.request('PATCH', `/sessions/${old}`, { archived: true })).status).toBe(200);

    const byTitle = await search(owner, `quarterly ${tag}`);
    expect(byTitle.chats).toMatchObject([{ session_id: old, title: `Quarterly ${tag} budget`, archived: true, shared: false }]);
    expect(byTitle.results).toEqual([]);
    expect((await search(owner, `"${tag} budget"`)).chats.map((c) => c.session_id)).toEqual([old]);
    expect((await search(owner, `"budget ${tag}"`)).chats).toEqual([]);

    const byReasoning = await search(owner, thought);
    expect(byReasoning.results).toMatchObject([{ message_id: answer, in_reasoning: true, archived: true }]);
    expect(byReasoning.results[0].snippet).toContain(`«${thought}»`);
    // The archive is each person's own: the viewer did not archive it.
    expect((await search(member, thought)).results).toMatchObject([{ message_id: answer, in_reasoning: true, archived: false, shared: true }]);
    expect((await search(owner, 'budget fine')).results).toMatchObject([{ message_id: answer, in_reasoning: false }]);
  });

  it('pages through every match with a cursor — the ranked newest window, then older ones — and counts them', async () => {
    const owner = await api.createUser();
    const word = `wombats${randomUUID().slice(0, 6)}`;
    const session = await chat(owner, 'Many');
    await api.db.sql`
      insert into public.messages (session_id, user_id, sender, content, created_at)
      select ${session}, ${owner.id}, 'user', 'about ' || ${word} || ' number ' || i, now() - make_interval(secs => i)
        from generate_series(1, 230) i`;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Results = await search(owner, word, `&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page).toMatchObject({ total: 230, total_kind: 'exact' });
      if (cursor) expect(page.chats).toEqual([]);
      seen.push(...page.results.map((r) => r.message_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(230);
    expect(new Set(seen).size).toBe(230);

    // A phrase is counted by its words: at most that many.
    expect(await search(owner, `"${word} number"`, '&limit=1')).toMatchObject({ total: 230, total_kind: 'at_most' });
    // A tampered cursor is refused, not read.
    const res = await owner.request('GET', `/search?q=${word}&cursor=${Buffer.from('{"o":-1}').toString('base64url')}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_cursor');
  });

  it('says "at least" past the count it stops at', async () => {
    const owner = await api.createUser();
    const word = `numerous${randomUUID().slice(0, 6)}`;
    const session = await chat(owner, 'Lots');
    await api.db.sql`
      insert into public.messages (session_id, user_id, sender, content)
      select ${session}, ${owner.id}, 'user', ${word} || ' ' || i from generate_series(1, 1001) i`;
    expect(await search(owner, word, '&limit=1')).toMatchObject({ total: 1000, total_kind: 'at_least' });
  });
});
