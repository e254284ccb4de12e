// /api/prompts search (`q`): words and the last word as a prefix, part of a word in a name,
// title, description or the current template, and a search's pages with a tag and a cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor } from '../../../../../tests/helpers/actors.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';
import { createPrompt, listIds } from '../../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

describe('prompts search', () => {
  it('a blank search is no search: a search box sent with only spaces lists everything', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    for (const q of ['%20%20', '%09', '']) expect(await listIds(alice, `q=${q}`), q).toEqual([prompt.id]);
    expect(await listIds(alice, 'q=%20Summarise%20')).toEqual([prompt.id]);
  });

  it('matches the last word being typed as a prefix, and keeps quotes and negation whole', async () => {
    const alice = await api.createUser();
    const summary = await createPrompt(alice, { title: 'Summarise the quarterly report', content: 'Be brief about {{topic}}.' });
    const letter = await createPrompt(alice, { title: 'Cover letter', content: 'A summer job application' });
    const q = (text: string) => listIds(alice, `q=${encodeURIComponent(text)}`);
    expect(await q('summ')).toEqual([letter.id, summary.id]);
    expect(await q('Summa')).toEqual([summary.id]);
    expect(await q('quarterly rep')).toEqual([summary.id]);
    expect(await q('cover summ')).toEqual([letter.id]);
    expect(await q('summarise -cover')).toEqual([summary.id]);
    expect(await q('summ -cover')).toEqual([]); // only the last word is a prefix
    expect(await q('-cov')).toEqual([letter.id, summary.id]); // a negated word is whole: nothing is "cov"
    expect(await q('"quarterly rep')).toEqual([]); // an open quote: whole words only
    expect(await q('quarterly report!')).toEqual([summary.id]);
    expect(await q("summ' or 1=1")).toEqual([]);
    expect(await q('a:* & b')).toEqual([]);
  });

  it('finds part of a word inside a name, title or description, with % and _ taken literally', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const summary = await createPrompt(alice, { name: 'weekly-summary-prompt', title: 'Weekly Summary', content: 'Write it.', is_public: true });
    const letter = await createPrompt(alice, { title: 'Cover letter', description: 'For jobs abroad', content: 'Dear {{name}}' });
    const q = (user: ApiUser, text: string, scope = 'mine') => listIds(user, `scope=${scope}&q=${encodeURIComponent(text)}`);
    expect(await q(alice, 'mmar')).toEqual([summary.id]);
    expect(await q(alice, 'MMAR')).toEqual([summary.id]);
    expect(await q(alice, 'ary-pro')).toEqual([summary.id]); // inside the name
    expect(await q(alice, 'bs abr')).toEqual([letter.id]); // inside the description, across a space
    expect(await q(alice, 'etter')).toEqual([letter.id]);
    // Wildcards are text: `_ee` is not "Wee", `%` alone is not everything.
    expect(await q(alice, '_ee')).toEqual([]);
    expect(await q(alice, '%%%')).toEqual([]);
    // Whole words still match anywhere, the template included (full text).
    expect(await q(alice, 'dear')).toEqual([letter.id]);
    // The public library the same way, and nothing private of others.
    expect(await q(bob, 'mmar', 'public')).toContain(summary.id);
    expect(await q(bob, 'etter', 'public')).not.toContain(letter.id);
    expect(await q(bob, 'mmar')).toEqual([]);
  });

  it('finds part of a word inside the current template (not an older version’s), newest change first', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const translate = await createPrompt(alice, { title: 'Translate', content: 'Translate {{text}} into Portuguese.', is_public: true });
    const named = await createPrompt(alice, { title: 'Lithuanian greetings', content: 'Say hello.' });
    const diary = await createPrompt(alice, { title: 'Diary', content: 'Write 100% honestly about {{day}}.' });
    // Edited last: the template is now Lithuanian, and Portuguese is only in version 1.
    expect((await alice.request('PATCH', `/prompts/${translate.id}`, { content: 'Translate {{text}} into Lithuanian.' })).status).toBe(200);
    const q = (user: ApiUser, text: string, scope = 'mine') => listIds(user, `scope=${scope}&q=${encodeURIComponent(text)}`);
    expect(await q(alice, 'huani')).toEqual([translate.id, named.id]);
    expect(await q(alice, 'HUANI')).toEqual([translate.id, named.id]);
    expect(await q(alice, 'rtugu')).toEqual([]);
    expect(await q(alice, 'xt}} in')).toEqual([translate.id]); // across a variable and a space
    expect(await q(alice, '0% hon')).toEqual([diary.id]); // `%` is text
    expect(await q(alice, '0_ hon')).toEqual([]);
    // The summaries list finds the same, without sending the template.
    const { prompts } = await (await alice.request('GET', '/prompts/summaries?q=huani')).json();
    expect(prompts.map((p: { id: string }) => p.id)).toEqual([translate.id, named.id]);
    // The public library by its templates too, and nothing private of others.
    expect(await q(bob, 'huani', 'public')).toEqual([translate.id]);
    expect(await q(bob, 'honestl', 'public')).toEqual([]);
    // The search's function, called as an RPC through the Data API, names nothing bob may not read.
    const rpc = (isPublic: boolean) => asActor(api.db.sql, { id: bob.id, email: bob.email }, (tx) =>
      tx`select public.search_prompt_page_ids(to_tsquery('simple', 'huani'), '%huani%', ${isPublic}, null, null, null, 20) as id`);
    expect((await rpc(false)).map((r) => r.id)).toEqual([]);
    expect((await rpc(true)).map((r) => r.id)).toEqual([translate.id]);
  });

  it('pages through a search, common fragment or rare, with a tag and a cursor, as the whole match list newest first', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    // 260 prompts: every other template has a common fragment, every 25th a scarcer one (the
    // newest rows the search tries first hold fewer than a page of it), only the three oldest a
    // rare one, and every third row is tagged. Made in one statement, so they share one
    // updated_at and their order is the id's: pages must hold to (updated_at, id) as the list does.
    const made = await api.db.sql<{ id: string; common: boolean; scarce: boolean; rare: boolean; tagged: boolean }[]>`
      insert into public.prompts (user_id, title, content, tags)
      select ${alice.id}, 'Bulk ' || i,
             'Item ' || i || ': ' || case when i % 2 = 0 then 'please summarise' else 'write' end
               || case when i % 25 = 0 then ' a wombat' else '' end
               || case when i < 3 then ' a quokka fact' else ' a note' end || ' about {{x}}.',
             case when i % 3 = 0 then array['bulk-tag'] else array[]::text[] end
        from generate_series(0, 259) as i
      returning id, content like '%summarise%' as common, content like '%wombat%' as scarce,
                content like '%quokka%' as rare, tags = array['bulk-tag'] as tagged`;
    const order = await api.db.sql<{ id: string }[]>`
      select id from public.prompts where user_id = ${alice.id} order by updated_at desc, id desc`;
    const byId = new Map(made.map((p) => [p.id, p]));
    const newestFirst = order.map((row) => byId.get(row.id)!);
    const all = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const res = await alice.request('GET', `/prompts?${query}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        const body = await res.json();
        ids.push(...body.prompts.map((p: { id: string }) => p.id));
        cursor = body.next_cursor;
        if (!cursor) return ids;
      }
      throw new Error('more than 100 pages');
    };
    // "ummar" is in 130 templates: the newest rows fill each page.
    expect(await all('q=ummar')).toEqual(newestFirst.filter((p) => p.common).map((p) => p.id));
    expect(await all('q=ummar&tag=bulk-tag')).toEqual(newestFirst.filter((p) => p.common && p.tagged).map((p) => p.id));
    // Fewer among the newest rows than a page, then the three oldest only: found through the indexes.
    expect(await all('q=ombat')).toEqual(newestFirst.filter((p) => p.scarce).map((p) => p.id));
    expect(await all('q=quokk')).toEqual(newestFirst.filter((p) => p.rare).map((p) => p.id));
    // Words (full text) page the same way, a quoted word being full text only.
    expect(await all('q=please')).toEqual(newestFirst.filter((p) => p.common).map((p) => p.id));
    expect(await all(`q=${encodeURIComponent('"please"')}`)).toEqual(newestFirst.filter((p) => p.common).map((p) => p.id));
    expect(await all(`q=${encodeURIComponent('"wombat"')}&tag=bulk-tag`)).toEqual(newestFirst.filter((p) => p.scarce && p.tagged).map((p) => p.id));
    // The function behind it, called as bob, names none of alice's private prompts.
    const rpc = (isPublic: boolean) => asActor(api.db.sql, { id: bob.id, email: bob.email }, (tx) =>
      tx`select public.search_prompt_page_ids(to_tsquery('simple', 'ummar'), '%ummar%', ${isPublic}, null, null, null, 50) as id`);
    expect(await rpc(false)).toEqual([]);
    const mine = new Set(made.map((p) => p.id));
    expect((await rpc(true)).filter((row) => mine.has(row.id))).toEqual([]);
    await expect(asActor(api.db.sql, { id: alice.id, email: alice.email }, (tx) =>
      tx`select public.search_prompt_page_ids(to_tsquery('simple', 'x'), null, false, null, now(), null, 10)`)).rejects.toThrow(/go together/);
  });
});

describe('prompts search: a bounded cost (business audit B7)', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await createApiHarness({ env: { HEAVY_RATE_CAPACITY: '3', HEAVY_RATE_REFILL_PER_SECOND: '0.001', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('a search, public or mine, takes a token of the heavy bucket (429 past it); a list without `q` takes none', async () => {
    const alice = await limited.createUser();
    const { key } = await (await alice.request('POST', '/api-keys', { name: 'k', scopes: ['prompts:read'] })).json();
    const asKey = (path: string) => limited.request('GET', path, undefined, { authorization: `Bearer ${key}` });
    for (let i = 0; i < 5; i++) expect((await alice.request('GET', '/prompts?scope=public')).status).toBe(200);
    expect((await alice.request('GET', '/prompts?scope=public&q=%20')).status).toBe(200); // blank: no search
    const statuses = [
      (await alice.request('GET', '/prompts?scope=public&q=zqxjkv')).status,
      (await asKey('/prompts/summaries?scope=public&q=zqxjkv')).status,
      (await alice.request('GET', '/prompts?q=mine')).status,
      (await asKey('/prompts?scope=public&q=zqxjkv')).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await alice.request('GET', '/prompts/summaries?scope=public&q=again');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('rate_limited');
    expect((await alice.request('GET', '/prompts/summaries?scope=public')).status).toBe(200);
  });

  it('a search still running after 2 s is cancelled with 503 search_timeout, not left to run', async () => {
    const alice = await limited.createUser();
    // The search waits on a lock held elsewhere for 6 s: the wait counts toward its timeout.
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => { locked = resolve; });
    const holder = limited.db.sql.begin(async (tx) => {
      await tx`lock table public.prompts in access exclusive mode`;
      locked();
      await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 6_000))]);
    });
    await lockTaken;
    const res = await alice.request('GET', '/prompts?scope=public&q=anything');
    release();
    await holder;
    expect(res.status).toBe(503);
    // (Had it waited for the lock, it would have answered 200 once the lock went, 6 s on.)
    expect((await res.json()).error.code).toBe('search_timeout');
  }, 30_000);
});
