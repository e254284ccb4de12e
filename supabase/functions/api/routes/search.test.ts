// GET /api/search: ranked full-text matches over the caller's own messages, with plain-text
// snippets; other users' messages never appear.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function sessionWith(user: ApiUser, title: string, contents: string[]) {
  const session = await (await user.request('POST', '/sessions', { title })).json();
  const ids: string[] = [];
  for (const content of contents) {
    const id = randomUUID();
    ids.push(id);
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, sender, content)
      values (${id}, ${session.id}, ${user.id}, 'user', ${content})`;
  }
  return { session: session as { id: string }, ids };
}

const search = async (user: ApiUser, q: string, extra = '') => {
  const res = await user.request('GET', `/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status, q).toBe(200);
  return (await res.json()).results as { message_id: string; session_id: string; session_title: string; snippet: string; rank: number }[];
};

describe('search', () => {
  it('finds the caller’s messages, best match first, with a marked snippet and the session title', async () => {
    const alice = await api.createUser();
    const word = `quokka${randomUUID().slice(0, 6)}`;
    const { session, ids } = await sessionWith(alice, 'Animals', [
      `A note that mentions ${word} once among many other words about travel and food and weather`,
      `${word} ${word} ${word}: all about the ${word}`,
      'Nothing relevant here',
    ]);
    const results = await search(alice, word);
    expect(results.map((r) => r.message_id)).toEqual([ids[1], ids[0]]);
    expect(results[0]).toMatchObject({ session_id: session.id, session_title: 'Animals', sender: 'user' });
    expect(results[0].snippet).toContain(`«${word}»`);
    expect(results[0].rank).toBeGreaterThan(results[1].rank);
  });

  it('supports phrases and exclusions, and honours the limit', async () => {
    const alice = await api.createUser();
    const tag = `wombat${randomUUID().slice(0, 6)}`;
    const { ids } = await sessionWith(alice, 'S', [`red ${tag} green`, `green ${tag} red`, `${tag} blue`]);
    expect((await search(alice, `"red ${tag}"`)).map((r) => r.message_id)).toEqual([ids[0]]);
    expect((await search(alice, `${tag} -blue`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(await search(alice, tag, '&limit=1')).toHaveLength(1);
  });

  it("never returns another user's messages", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const word = `secret${randomUUID().slice(0, 6)}`;
    await sessionWith(alice, 'Private', [`my ${word} plan`]);
    expect(await search(bob, word)).toEqual([]);
    expect(await search(alice, word)).toHaveLength(1);
  });

  it('returns message text as plain text, never as markup', async () => {
    const alice = await api.createUser();
    const word = `xss${randomUUID().slice(0, 6)}`;
    await sessionWith(alice, 'S', [`<img src=x onerror=alert(1)> ${word}`]);
    const [hit] = await search(alice, word);
    // The snippet is the stored text (a client renders it as text); only «» are added.
    expect(hit.snippet).toContain(`«${word}»`);
    expect(hit.snippet).not.toMatch(/<b>|<\/b>/);
  });

  it('treats any query text as a search, never an error', async () => {
    const alice = await api.createUser();
    for (const q of ['"', '!!!', 'a & b | (c', "'; select 1; --", 'or', '-', '日本語']) {
      await search(alice, q);
    }
  });

  it('answers missing, empty, oversized or unknown parameters with 400', async () => {
    const alice = await api.createUser();
    for (const query of ['', '?q=', '?q=%20%20', `?q=${'x'.repeat(201)}`, '?q=a&limit=0', '?q=a&limit=51', '?q=a&sort=rank', '?q=a%00b']) {
      const res = await alice.request('GET', `/search${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    expect((await api.request('GET', '/search?q=a')).status).toBe(401);
  });
});
