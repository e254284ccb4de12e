// A search index entry holds at most 1 MB, and an answer with its reasoning, or a file's text,
// can need more. Such a row could not be written at all (54000), so an answer stayed
// `streaming` for good and its chat's later turns failed. The entry functions now index the
// beginning of such a text; every text up to 100,000 characters together is indexed whole.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { distinctWords } from '../helpers/search-words.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

describe('search index entries of long texts', () => {
  it("store an answer whose text and reasoning together are too much for one entry, finding the words of its beginning", async () => {
    const owner = await createAuthUser(db.sql);
    const sessionId = randomUUID();
    const answerId = randomUUID();
    await db.sql`
      select private.write_turn_rows(${owner.id}::uuid, ${owner.id}::uuid, ${sessionId}::uuid, true, null::uuid,
        'Long', '{}'::jsonb, ${randomUUID()}::uuid, true, 'question', 1, null::uuid, ${answerId}::uuid, 'demo', 'demo-model', 60)`;
    // Just under 200,000 characters each: about 1.1 MB of entry in all.
    const content = `lighthouse ${distinctWords(9_000, 20)}`.slice(0, 199_000);
    const reasoning = distinctWords(9_000, 20, 9_000).slice(0, 199_000);
    // Whole, the entry is more than Postgres holds.
    await expect(db.sql`select to_tsvector('simple', ${content}) || to_tsvector('simple', ${reasoning})`).rejects.toMatchObject({ code: '54000' });
    await db.sql`update public.messages set status = 'complete', content = ${content}, reasoning = ${reasoning} where id = ${answerId}`;
    const [found] = await db.sql`
      select count(*)::int as n from public.messages m
       where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ to_tsquery('simple', 'lighthouse')
         and m.id = ${answerId}`;
    expect(found!.n).toBe(1);
  });

  it('index a file text too large for one entry by its beginning', async () => {
    const text = `harbour ${distinctWords(50_000, 20)}`;
    await expect(db.sql`select to_tsvector('simple', ${text})`).rejects.toMatchObject({ code: '54000' });
    const [row] = await db.sql`
      select public.attachment_search_vector(${randomUUID()}::uuid, ${randomUUID()}::uuid, ${text}) @@ to_tsquery('simple', 'harbour') as found`;
    expect(row!.found).toBe(true);
  });

  it('index every text of up to 100,000 characters whole, however its words are made', async () => {
    // The most entry per character: one-character words, each distinct (CJK, 3 bytes each).
    const densest = distinctWords(50_000, 1);
    expect(densest.length).toBeLessThanOrEqual(100_000);
    const [session, user] = [randomUUID(), randomUUID()];
    const [row] = await db.sql`
      select public.message_search_vector(${session}::uuid, ${user}::uuid, ${densest}, '')
               = (to_tsvector('simple', ${densest}) || array_to_tsvector(array['u ' || ${user}, 's ' || ${session}])) as whole,
             pg_column_size(to_tsvector('simple', ${densest})) as bytes`;
    expect(row!.whole).toBe(true);
    expect(row!.bytes).toBeLessThan(1_048_575);
  });
});
