// The library search's function, public.search_prompt_page_ids, costs a bounded amount
// (business audit B7, 20261206090000_bound_prompt_search.sql): `anon` may not call it through
// the Data API; a fragment is matched against the name, title, description and the template's
// first 4,096 characters, each row checked on what its index holds; it carries a 2 s
// statement_timeout, which PostgREST applies to an RPC's transaction. Before, one account's
// 2,000 public prompts of 100 KB holding every trigram of a pattern (but not the pattern) made
// each anonymous call read and scan all of them: 1.1 s a call, as often as anyone liked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSql } from 'postgres';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** One page of a public search for `word` as a fragment (and a word), newest first. */
const search = (tx: TransactionSql, word: string, isPublic = true) =>
  tx<{ id: string }[]>`select id from public.search_prompt_page_ids(
    websearch_to_tsquery('simple', ${word}), ${`%${word}%`}, ${isPublic}, null, null, null, 20) as id`;

describe('search_prompt_page_ids: who may call it', () => {
  it('refuses anon (the Data API without a session); a signed-in user searches as before', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id }] = await db.sql`insert into public.prompts (user_id, title, content, is_public) values (${owner.id}, 'Weekly Quokkagram', 'x', true) returning id`;
    await expect(asActor(db.sql, 'anon', (tx) => search(tx, 'okkagr'))).rejects.toMatchObject({ message: expect.stringMatching(PERMISSION_DENIED) });
    const reader = await createAuthUser(db.sql);
    expect((await asActor(db.sql, reader, (tx) => search(tx, 'okkagr'))).map((r) => r.id)).toEqual([id]);
  });

  it('is the only search function left: search_prompt_ids (every match, no page) is gone', async () => {
    const [{ n }] = await db.sql`select count(*)::int as n from pg_proc where proname = 'search_prompt_ids'`;
    expect(n).toBe(0);
  });

  it('carries a 2 s statement_timeout for the Data API to apply', async () => {
    const [{ proconfig }] = await db.sql`
      select proconfig from pg_proc where oid = 'public.search_prompt_page_ids(tsquery, text, boolean, text, timestamptz, uuid, integer)'::regprocedure`;
    expect(proconfig).toContain('statement_timeout=2s');
  });
});

describe('search_prompt_page_ids: what a fragment matches', () => {
  it("matches the template's first 4,096 characters as a fragment, and words anywhere in it", async () => {
    const owner: AuthUser = await createAuthUser(db.sql);
    const filler = 'x'.repeat(4_100);
    const [early] = await db.sql`insert into public.prompts (user_id, title, content) values (${owner.id}, 'Early bird', ${'Translate into Lithuanian. ' + filler}) returning id`;
    const [late] = await db.sql`insert into public.prompts (user_id, title, content) values (${owner.id}, 'Late owl', ${filler + ' Translate into Estonian.'}) returning id`;
    const ids = async (word: string) => (await asActor(db.sql, owner, (tx) => search(tx, word, false))).map((r) => r.id);
    expect(await ids('huani')).toEqual([early.id]);
    expect(await ids('stonia')).toEqual([]); // past the first 4,096 characters
    expect(await ids('estonian')).toEqual([late.id]); // a whole word: full text reads all of it
    expect(await ids('e ow')).toEqual([late.id]); // the title
  });
});

describe('search_prompt_page_ids: cost', () => {
  it("reads a few KB for each row an index names, not its template and search vector (≈ 450 KB)", async () => {
    const mallory = await createAuthUser(db.sql);
    // 300 public prompts of ~100 KB of filler that compresses poorly, with every trigram of
    // "zqxjkv" but never "zqxjkv" itself in the title, at the start and at the end (the audit's).
    const N = 300;
    await db.sql`
      insert into public.prompts (user_id, title, content, is_public)
      select ${mallory.id}, 'seed zqxj qxjk xjkv ' || g,
             'zqxj qxjk xjkv ' || (select string_agg(md5(g::text || '-' || i::text), ' ') from generate_series(1, 3000) i) || ' zqxj qxjk xjkv',
             true
        from generate_series(1, ${N}) g`;
    await db.sql`analyze public.prompts`;
    const reader = await createAuthUser(db.sql);
    // Buffers the call touches (its own statements' included), as EXPLAIN counts them: unlike a
    // time, the same on a busy machine.
    const buffers = async (word: string) => {
      const [row] = await asActor(db.sql, reader, (tx) => tx.unsafe(`explain (analyze, buffers, format json)
        select * from public.search_prompt_page_ids(websearch_to_tsquery('simple', '${word}'), '%${word}%', true, null, null, null, 20)`));
      const plan = (row!['QUERY PLAN'] as { Plan: Record<string, number> }[])[0]!.Plan;
      return plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
    };
    expect(await asActor(db.sql, reader, (tx) => search(tx, 'zqxjkv'))).toEqual([]);
    // What the newest rows (tried first) cost, whatever the query: a query no index matches.
    const baseline = await buffers('nothinghere');
    const bait = await buffers('zqxjkv');
    // Every seeded row is named by the trigram indexes and checked: before, ≈ 57 buffers each
    // (the whole row read back); now its title and its template's first 4 KB, ≈ 5.
    expect((bait - baseline) / N).toBeLessThan(15);
  }, 120_000);
});
