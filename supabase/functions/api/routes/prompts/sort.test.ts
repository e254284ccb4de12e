// /api/prompts `sort`: each order, paged a few rows at a time through rows with equal keys, and
// combined with a tag and a search; a cursor from one order refused by another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';
import { createPrompt } from '../../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** Every page of a list, `limit` rows at a time; no row may come twice. */
async function allPages(user: ApiUser, query: string, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const res = await user.request('GET', `/prompts/summaries?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    ids.push(...body.prompts.map((p: { id: string }) => p.id));
    cursor = body.next_cursor;
    if (!cursor) {
      expect(new Set(ids).size).toBe(ids.length);
      return ids;
    }
  }
  throw new Error('more than 50 pages');
}

interface Made {
  id: string;
  title: string;
  created: number;
  updated: number;
  uses: number;
  tagged: boolean;
}

/**
 * Nine prompts with equal keys in every order: two created and changed at the same moment,
 * titles equal but for case, several never used. Uses are alice's calls within 30 days; calls
 * older than that, and bob's calls of her public prompt, do not count.
 */
async function library(alice: ApiUser, bob: ApiUser): Promise<Made[]> {
  const specs = [
    { title: 'alpha', created: 1, updated: 9, uses: 3, tagged: true },
    { title: 'Alpha', created: 1, updated: 9, uses: 3, tagged: false },
    { title: 'Beta two', created: 2, updated: 4, uses: 0, tagged: true },
    { title: 'beta', created: 3, updated: 4, uses: 1, tagged: false },
    { title: 'gamma', created: 5, updated: 5, uses: 0, tagged: true },
    { title: 'Delta', created: 5, updated: 6, uses: 0, tagged: false },
    { title: 'epsilon', created: 7, updated: 7, uses: 5, tagged: true },
    { title: 'zeta', created: 8, updated: 8, uses: 1, tagged: true },
    { title: 'ALPHA', created: 9, updated: 2, uses: 0, tagged: false },
  ];
  const made: Made[] = [];
  for (const spec of specs) {
    const [row] = await api.db.sql<{ id: string }[]>`
      insert into public.prompts (user_id, title, content, tags, is_public, created_at, updated_at)
      values (${alice.id}, ${spec.title}, 'Write about {{topic}} quietly.', ${spec.tagged ? ['sorted'] : []}::text[], true,
              timestamptz '2026-01-01' + ${spec.created} * interval '1 hour', timestamptz '2026-01-01' + ${spec.updated} * interval '1 hour')
      returning id`;
    const log = (user: string, ago: string) => api.db.sql`
      insert into public.prompt_usage_logs (user_id, prompt_id, provider, model, status, executed_at)
      values (${user}, ${row!.id}, 'openai', 'gpt-test', 'success', now() - ${ago}::interval)`;
    for (let i = 0; i < spec.uses; i++) await log(alice.id, '2 days');
    await log(alice.id, '31 days');
    await log(bob.id, '1 day');
    made.push({ ...spec, id: row!.id });
  }
  return made;
}

const byId = (a: Made, b: Made) => (a.id < b.id ? -1 : 1);
const orders: Record<string, (a: Made, b: Made) => number> = {
  updated: (a, b) => b.updated - a.updated || -byId(a, b),
  created: (a, b) => b.created - a.created || -byId(a, b),
  name: (a, b) => (a.title.toLowerCase() < b.title.toLowerCase() ? -1 : a.title.toLowerCase() > b.title.toLowerCase() ? 1 : byId(a, b)),
  most_used: (a, b) => b.uses - a.uses || b.updated - a.updated || -byId(a, b),
};

describe('prompts list order', () => {
  it('pages every order through equal keys, alone, with a tag and with a search', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const made = await library(alice, bob);
    const expected = (sort: string, keep: (p: Made) => boolean = () => true) => [...made].filter(keep).sort(orders[sort]).map((p) => p.id);
    for (const sort of Object.keys(orders)) {
      for (const limit of [1, 2, 4]) expect(await allPages(alice, `sort=${sort}`, limit), `${sort} by ${limit}`).toEqual(expected(sort));
      expect(await allPages(alice, `sort=${sort}&tag=sorted`), `${sort} with a tag`).toEqual(expected(sort, (p) => p.tagged));
      expect(await allPages(alice, `sort=${sort}&q=alph`), `${sort} with a search`).toEqual(expected(sort, (p) => p.title.toLowerCase() === 'alpha'));
      expect(await allPages(alice, `sort=${sort}&q=quietly&tag=sorted`), `${sort} with both`).toEqual(expected(sort, (p) => p.tagged));
    }
    // No sort is the newest change first, as before.
    expect(await allPages(alice, '')).toEqual(expected('updated'));
    // bob sees her public prompts ordered by his own use: he ran each once, so newest change first
    // as other people see it, which is when each was shared (here the order they were made in),
    // not the times her rows carry.
    const sharedNewestFirst = made.filter((p) => p.tagged).reverse().map((p) => p.id);
    expect(await allPages(bob, 'scope=public&sort=most_used&tag=sorted', 3)).toEqual(sharedNewestFirst);
    // The full list carries the same order (and the templates).
    const full = await (await alice.request('GET', '/prompts?sort=name&limit=3')).json();
    expect(full.prompts.map((p: { id: string }) => p.id)).toEqual(expected('name').slice(0, 3));
    expect(full.prompts[0].content).toContain('{{topic}}');
    // Sorted by use, each prompt says the count it is sorted by: the caller's own runs in the last
    // 30 days (not the one 31 days ago, nor bob's); other orders carry none.
    for (const path of ['/prompts', '/prompts/summaries']) {
      const used = await (await alice.request('GET', `${path}?sort=most_used&limit=100`)).json();
      expect(used.prompts.map((p: { id: string; recent_uses: number }) => [p.id, p.recent_uses]), path)
        .toEqual([...made].sort(orders.most_used).map((p) => [p.id, p.uses]));
      const named = await (await alice.request('GET', `${path}?sort=name&limit=100`)).json();
      expect(named.prompts.every((p: object) => !('recent_uses' in p)), path).toBe(true);
    }
  });

  it('refuses a cursor from another order with a 400 saying so, and a cursor from before `sort` still pages by change', async () => {
    const alice = await api.createUser();
    for (const title of ['one', 'two', 'three']) await createPrompt(alice, { title });
    const first = async (sort: string) => (await (await alice.request('GET', `/prompts?sort=${sort}&limit=1`)).json()).next_cursor as string;
    for (const [from, to] of [['name', 'updated'], ['updated', 'created'], ['created', 'most_used'], ['most_used', 'name']] as const) {
      const res = await alice.request('GET', `/prompts?sort=${to}&cursor=${encodeURIComponent(await first(from))}`);
      expect(res.status, `${from} → ${to}`).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('invalid_cursor');
      expect(error.message).toContain(`sorted by "${from}", not by "${to}"`);
    }
    expect((await alice.request('GET', `/prompts?cursor=${encodeURIComponent(await first('name'))}`)).status).toBe(400);
    const legacy = Buffer.from(JSON.stringify({ t: '2999-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    const res = await alice.request('GET', `/prompts?cursor=${legacy}`);
    expect(res.status).toBe(200);
    expect((await res.json()).prompts).toHaveLength(3);
    expect((await alice.request('GET', `/prompts?sort=name&cursor=${legacy}`)).status).toBe(400);
    expect((await alice.request('GET', '/prompts?sort=popular')).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ s: 'name', k: 5, id: 'x' })).toString('base64url');
    expect((await alice.request('GET', `/prompts?sort=name&cursor=${forged}`)).status).toBe(400);
  });
});
