// GET /api/search: ranked full-text matches over the caller's messages, with plain-text
// snippets; other users' messages never appear (by actor, group chats included: tests/api/search-access.test.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor } from '../../../../tests/helpers/actors.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { candidatesQuery, RANK_PREFIX, RANKED_WINDOW } from './search.ts';

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

  it('excludes a phrase without excluding its words, and finds phrases among many candidates', async () => {
    const alice = await api.createUser();
    const tag = `numbat${randomUUID().slice(0, 6)}`;
    const { ids } = await sessionWith(alice, 'S', [`red ${tag} green`, `green ${tag} red`, `${tag} alone`]);
    expect((await search(alice, `${tag} -"red ${tag}"`)).map((r) => r.message_id).sort()).toEqual([ids[1], ids[2]].sort());
    expect((await search(alice, `-"red ${tag}" "green ${tag}"`)).map((r) => r.message_id)).toEqual([ids[1]]);
    expect((await search(alice, `"${tag} red" or "${tag} green"`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[1]].sort());
  });

  it('finds hyphenated words, and words and phrases past the part of a long answer it ranks on', async () => {
    const alice = await api.createUser();
    const tag = `quoll${randomUUID().slice(0, 6)}`;
    const filler = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(RANK_PREFIX / 27) + 10);
    const { ids } = await sessionWith(alice, 'S', [
      `try gpt-4o-${tag} for this`,
      `${filler}the far ${tag} end`,
      `${filler}${tag} far apart from the`,
      `${tag} first, ${filler}then never again`,
    ]);
    expect((await search(alice, `gpt-4o-${tag}`)).map((r) => r.message_id)).toEqual([ids[0]]);
    expect((await search(alice, tag)).map((r) => r.message_id).sort()).toEqual([...ids].sort());
    expect((await search(alice, `"${tag} first"`)).map((r) => r.message_id)).toEqual([ids[3]]);
    // A match past the first RANK_PREFIX characters gets a snippet from where it is.
    const far = (await search(alice, tag)).find((r) => r.message_id === ids[1]);
    expect(far?.snippet).toContain(`«${tag}»`);
    // A phrase past the first RANK_PREFIX characters is checked on the whole text.
    expect((await search(alice, `"far ${tag}"`)).map((r) => r.message_id)).toEqual([ids[1]]);
    expect((await search(alice, `"${tag} far"`)).map((r) => r.message_id)).toEqual([ids[2]]);
    // Excluded words and phrases are excluded wherever they are in the text.
    expect((await search(alice, `${tag} -"the far"`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[2], ids[3]].sort());
    expect((await search(alice, `${tag} -"end"`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[2], ids[3]].sort());
    expect((await search(alice, `${tag} -"apart from"`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[1], ids[3]].sort());
    // The first characters hold the word, the whole text the excluded phrase.
    expect((await search(alice, `${tag} -"never again"`)).map((r) => r.message_id).sort()).toEqual([ids[0], ids[1], ids[2]].sort());
  });

  it('finds finished messages only: an answer is searchable once it ends, not while it streams', async () => {
    const alice = await api.createUser();
    const word = `dugong${randomUUID().slice(0, 6)}`;
    const { session } = await sessionWith(alice, 'S', []);
    const id = randomUUID();
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, sender, status, content)
      values (${id}, ${session.id}, ${alice.id}, 'assistant', 'streaming', ${`a partial ${word}`})`;
    expect(await search(alice, word)).toEqual([]);
    await api.db.sql`update public.messages set status = 'complete' where id = ${id}`;
    expect((await search(alice, word)).map((r) => r.message_id)).toEqual([id]);
  });

  it(`ranks the ${RANKED_WINDOW} newest matches: the best of them first, older matches after none of them`, async () => {
    const alice = await api.createUser();
    const word = `potoroo${randomUUID().slice(0, 6)}`;
    const { session } = await sessionWith(alice, 'S', []);
    // The oldest message is the best match by far, then RANKED_WINDOW newer ones mention it once;
    // the last of those mentions it twice, the best within the window.
    const oldest = randomUUID();
    const twice = randomUUID();
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, sender, content, created_at)
      select case when i = 0 then ${oldest}::uuid when i = ${RANKED_WINDOW} then ${twice}::uuid else gen_random_uuid() end,
             ${session.id}, ${alice.id}, 'user',
             case when i = 0 then repeat(${word} || ' ', 20) when i = ${RANKED_WINDOW} then ${`${word} and ${word}`}
                  else 'once: ' || ${word} end,
             now() - make_interval(secs => ${RANKED_WINDOW} - i)
        from generate_series(0, ${RANKED_WINDOW}) i`;
    const results = await search(alice, word, '&limit=50');
    expect(results).toHaveLength(50);
    expect(results[0].message_id).toBe(twice);
    expect(results.map((r) => r.message_id)).not.toContain(oldest);
  });

  it('narrows a phrase query to its words for the index, and leaves other queries as they are', () => {
    expect(candidatesQuery('"red fox" jumps')).toBe(' red fox  jumps');
    expect(candidatesQuery('fox -"red fox"')).toBe('fox  ');
    expect(candidatesQuery('fox -"red fox')).toBe('fox  ');
    expect(candidatesQuery('-"red fox"')).toBe('-"red fox"');
    expect(candidatesQuery('fox -red or "a b"')).toBe('fox -red or  a b ');
    expect(candidatesQuery('plain words')).toBe('plain words');
  });

  it("the index's function names the caller's own finished messages only, and nothing to anyone else", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const word = `bilby${randomUUID().slice(0, 6)}`;
    const { ids } = await sessionWith(alice, 'Private', [`my ${word} plan`, `another ${word}`]);
    const rpc = (who: ApiUser | 'anon', limit = 10) =>
      asActor(api.db.sql, who === 'anon' ? 'anon' : { id: who.id, email: who.email }, (tx) =>
        tx`select public.search_message_ids(to_tsquery('simple', ${word}), ${limit}) as id`);
    expect((await rpc(alice)).map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect(await rpc(alice, 1)).toHaveLength(1);
    expect(await rpc(bob)).toEqual([]);
    await expect(rpc('anon')).rejects.toThrow(/permission denied/);
    await expect(rpc(alice, 0)).rejects.toThrow(/between 1 and 1000/);
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
