// POST /api/import/prompts does a bounded amount of work (business audit B3): one request of
// 1 MB (100 prompts × 300 tiny versions) held a pooled connection in one transaction for 86 s,
// and four of them made another user's request wait 12 s. Now a request carries at most 1,000
// versions (400 too_many_versions), its statements are pipelined per prompt, each statement may
// take 5 s, the request stops writing after 20 s, and the import bucket is charged one token
// per 100 versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor } from '../../../../tests/helpers/actors.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { importPrompts, MAX_VERSIONS_PER_IMPORT } from '../lib/import/prompt-import.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await api?.close();
});

/** `prompts` prompts of `versions` tiny versions each, labels on the first and the last. */
const request = (prompts: number, versions: number, tag = 'p') => ({
  prompts: Array.from({ length: prompts }, (_, i) => ({
    title: `${tag}${i}`,
    versions: Array.from({ length: versions }, (_, v) => ({ version: v + 1, title: `${tag}${i}`, content: `${i}.${v}` })),
    labels: [{ label: 'first', version: 1 }, { label: 'last', version: versions }],
  })),
});

const promptCount = async (user: ApiUser) => (await api.db.sql`select count(*)::int as n from public.prompts where user_id = ${user.id}`)[0]!.n;

describe('prompt import: bounded work per request', () => {
  it('refuses a request of more than 1,000 versions with 400 too_many_versions, writing nothing', async () => {
    const eve = await api.createUser();
    // The audit's request: 1 MB, 30,000 versions, once 86 s on one connection.
    const res = await eve.request('POST', '/import/prompts', request(100, 300));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'too_many_versions', versions: 30_000, max_versions: 1_000 });
    // One over; a prompt without versions counts as one.
    const oneOver = { prompts: [...request(1, 1_000).prompts, { title: 'Plain', content: 'x' }] };
    expect((await eve.request('POST', '/import/prompts', oneOver)).status).toBe(400);
    expect(await promptCount(eve)).toBe(0);
    expect(MAX_VERSIONS_PER_IMPORT).toBe(1_000);
  });

  it('imports a request at the limit (1,000 versions, labels on their texts)', async () => {
    const eve = await api.createUser();
    const res = await eve.request('POST', '/import/prompts', request(10, 100));
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results.map((r: { status: string; versions: number }) => [r.status, r.versions])).toEqual(Array(10).fill(['imported', 100]));
    const [labels] = await api.db.sql`
      select array_agg(l.label || '=' || v.content order by l.label) as labels
        from public.prompt_labels l join public.prompt_versions v on v.prompt_id = l.prompt_id and v.version = l.version
       where l.prompt_id = ${results[3].prompt_id}`;
    expect(labels!.labels).toEqual(['first=3.0', 'last=3.99']);
    const [history] = await api.db.sql`
      select count(*)::int as n, min(version) as first, max(version) as last from public.prompt_versions where prompt_id = ${results[3].prompt_id}`;
    expect(history).toEqual({ n: 100, first: 1, last: 100 });
  });

  it('four requests of 10,000 versions at once are all refused before any is written', async () => {
    const eve = await api.createUser();
    // The audit's four requests that held the pool for minutes.
    const refused = await Promise.all(Array.from({ length: 4 }, () => eve.request('POST', '/import/prompts', request(100, 100)).then((r) => r.status)));
    expect(refused).toEqual([400, 400, 400, 400]);
    expect(await promptCount(eve)).toBe(0);
  });

  it('skips a prompt whose statement passes the 5 s statement timeout, and imports the rest', async () => {
    const eve = await api.createUser();
    // A write of this prompt that takes 8 s, whoever makes it.
    await api.db.sql`
      create function public.test_slow_prompt() returns trigger language plpgsql set search_path = '' as $$
      begin
        if new.title = 'Slow' then perform pg_sleep(8); end if;
        return new;
      end $$`;
    await api.db.sql`create trigger test_slow_prompt before insert on public.prompts for each row execute function public.test_slow_prompt()`;
    try {
      const res = await eve.request('POST', '/import/prompts', { prompts: [{ title: 'Fast', content: 'a' }, { title: 'Slow', content: 'b' }, { title: 'After', content: 'c' }] });
      expect(res.status).toBe(200);
      const { results } = await res.json();
      expect(results.map((r: { status: string; reason?: string }) => [r.status, r.reason])).toEqual([
        ['imported', undefined], ['skipped', 'writing it took too long: import it on its own, or with fewer versions'], ['imported', undefined],
      ]);
    } finally {
      await api.db.sql`drop trigger test_slow_prompt on public.prompts`;
      await api.db.sql`drop function public.test_slow_prompt()`;
    }
  });

  it('past its deadline, reports the prompts not yet written as skipped, to be sent again', async () => {
    const eve = await api.createUser();
    const results = await asActor(api.db.sql, { id: eve.id, email: eve.email }, (tx) =>
      importPrompts(tx, eve.id, [{ title: 'One', content: 'a' }, { title: 'Two', content: 'b' }], Date.now() - 1));
    expect(results).toEqual([
      { index: 0, status: 'skipped', title: 'One', reason: 'not imported: this request ran out of time; send this prompt again' },
      { index: 1, status: 'skipped', title: 'Two', reason: 'not imported: this request ran out of time; send this prompt again' },
    ]);
    expect(await promptCount(eve)).toBe(0);
  });
});

describe('prompt import: the import bucket is charged per 100 versions', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await createApiHarness({ env: { IMPORT_RATE_CAPACITY: '12', IMPORT_RATE_REFILL_PER_SECOND: '0.001', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('1,000 versions take 10 tokens: a 250-version request next is refused with 429, a one-prompt request still fits', async () => {
    const eve = await limited.createUser();
    expect((await eve.request('POST', '/import/prompts', request(10, 100))).status).toBe(200); // 10 of 12
    const refused = await eve.request('POST', '/import/prompts', request(5, 50, 'q')); // needs 3 of the 2 left
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('rate_limited');
    const [{ n }] = await limited.db.sql`select count(*)::int as n from public.prompts where user_id = ${eve.id} and title like 'q%'`;
    expect(n).toBe(0);
    expect((await eve.request('POST', '/import/prompts', { prompts: [{ title: 'Small', content: 'x' }] })).status).toBe(200);
    expect((await eve.request('POST', '/import/prompts', { prompts: [{ title: 'Smaller', content: 'y' }] })).status).toBe(429);
  });
});
