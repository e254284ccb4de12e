// The search RPCs, called through the Data API with a user's token, refuse a query with a prefix
// or weight operand: the index answers one only by gathering every user's entries for it
// (20261208110000). Whole-word queries, web-search syntax included, answer as before.
import type { Row, TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const failure = (promise: Promise<unknown>) =>
  promise.then(() => 'no error', (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`);

/** A user with one chat titled 'apple pie' holding the message 'apple crumble', and someone else's chat with the same words. */
async function searcher(): Promise<{ user: AuthUser; chat: string; message: string }> {
  const [user, other] = await Promise.all([createAuthUser(db.sql), createAuthUser(db.sql)]);
  for (const owner of [other, user]) {
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'apple pie') returning id`;
    const [message] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
      values (${chat!.id}, ${owner.id}, ${owner.id}, 'user', 'apple crumble') returning id`;
    if (owner === user) return { user, chat: chat!.id, message: message!.id };
  }
  throw new Error('unreachable');
}

describe('search RPCs and partial-match queries', () => {
  it("refuse a prefix or weight operand from a user's token (22023), in any of the four", async () => {
    const { user } = await searcher();
    const refused = /^22023: Search for whole words: prefix \(:\*\) and weight \(:A\) operands are not accepted$/;
    for (const q of ['a:*', 'u:*', 'apple & s:*', 'apple:A', '!crumble:*B']) {
      expect(await failure(asActor(db.sql, user, (tx) => tx`select public.count_message_matches(to_tsquery('simple', ${q}), 100)`))).toMatch(refused);
      expect(await failure(asActor(db.sql, user, (tx) => tx`select public.search_message_ids(to_tsquery('simple', ${q}), 100)`))).toMatch(refused);
      expect(await failure(asActor(db.sql, user, (tx) => tx`select * from public.search_message_hits(to_tsquery('simple', ${q}), 100)`))).toMatch(refused);
      expect(await failure(asActor(db.sql, user, (tx) => tx`select public.search_chat_ids(to_tsquery('simple', ${q}), 20)`))).toMatch(refused);
    }
  });

  it('answer whole-word queries as before: web-search syntax never makes a prefix, and a colon inside a word is a word', async () => {
    const { user, chat, message } = await searcher();
    const asUser = (run: (tx: TransactionSql) => Promise<Row[]>) => asActor(db.sql, user, run);
    // What GET /api/search sends: websearch_to_tsquery, even of text that looks like operators.
    for (const q of ['apple', 'apple crumble', '"apple crumble"', 'apple:* crumble:*', 'apple or pear -tart']) {
      const [row] = await asUser((tx) => tx`select public.count_message_matches(websearch_to_tsquery('simple', ${q}), 100) as n`);
      expect(row?.n, q).toBe(1);
      expect(await asUser((tx) => tx`select public.search_message_ids(websearch_to_tsquery('simple', ${q}), 100) as id`), q).toEqual([{ id: message }]);
      expect(await asUser((tx) => tx`select message_id as id from public.search_message_hits(websearch_to_tsquery('simple', ${q}), 100)`), q).toEqual([{ id: message }]);
    }
    expect(await asUser((tx) => tx`select public.search_chat_ids(websearch_to_tsquery('simple', 'apple pie'), 20) as id`)).toEqual([{ id: chat }]);
    // A quoted lexeme may hold a colon (or a quote) and is still one whole word.
    expect(await asUser((tx) => tx`select public.count_message_matches(${"'it''s:*' | 'a:b'"}::tsquery, 100) as n`)).toEqual([{ n: 0 }]);
  });

  it('run with a 2 s statement_timeout, which PostgREST applies to the RPC', async () => {
    const settings = await db.sql`select p.proname::text as name, p.proconfig from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.proname in ('search_message_ids', 'search_message_hits', 'count_message_matches', 'search_chat_ids')
      order by 1`;
    expect(settings.map((s) => [s.name, s.proconfig.includes('statement_timeout=2s')])).toEqual([
      ['count_message_matches', true], ['search_chat_ids', true], ['search_message_hits', true], ['search_message_ids', true],
    ]);
  });
});
