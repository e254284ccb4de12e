// What the search indexes hold for a message and a chat's title, and that the searches'
// expressions still find them through the indexes. The functions that compute the entries are
// PL/pgSQL since 20261208210000_plan_turn_row_writes_once.sql (SQL with a SET clause parsed and
// planned its body again in every statement that wrote a message or touched a chat, a chat
// turn's start among them): the same entries as before, the same index use.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A chat of `turns` finished turns, through private.write_turn_rows as the API writes them. */
async function chatOf(ownerId: string, title: string, turns: number): Promise<string> {
  const sessionId = randomUUID();
  let parent: string | null = null;
  for (let i = 0; i < turns; i++) {
    const answer = randomUUID();
    await db.sql`
      select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${sessionId}::uuid, ${i === 0}, null::uuid,
        ${title}, '{}'::jsonb, ${randomUUID()}::uuid, true, ${`question ${i} about lanterns`}, 4, ${parent}::uuid,
        ${answer}::uuid, 'demo', 'demo-model', 60)`;
    await db.sql`update public.messages set status = 'complete', content = ${`answer ${i} about harbours`}, reasoning = 'thinking of tides' where id = ${answer}`;
    await db.sql`delete from private.chat_turns where message_id = ${answer}`;
    parent = answer;
  }
  return sessionId;
}

describe('search index entries', () => {
  it('hold a message\'s words, its reasoning\'s, its owner and its chat; a title\'s words and its owner', async () => {
    const owner = await createAuthUser(db.sql);
    const sessionId = await chatOf(owner.id, 'Night lanterns', 1);
    const rows = await db.sql`
      select m.sender,
             public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning)
               = (to_tsvector('simple', m.content) || to_tsvector('simple', coalesce(m.reasoning, ''))
                  || array_to_tsvector(array['u ' || m.user_id::text, 's ' || m.session_id::text])) as same
        from public.messages m where m.session_id = ${sessionId} order by m.sender`;
    expect(rows).toEqual([{ sender: 'assistant', same: true }, { sender: 'user', same: true }]);
    const [title] = await db.sql`
      select public.chat_title_search_vector(s.user_id, s.title)::text as entry from public.chat_sessions s where s.id = ${sessionId}`;
    expect(title!.entry).toBe(`'lanterns':2 'night':1 'u ${owner.id}'`);
  });

  it('are found through their indexes by the searches\' expressions', async () => {
    const owner = await createAuthUser(db.sql);
    for (let i = 0; i < 5; i++) await chatOf(owner.id, `Chat ${i}`, 2);
    const scope = `'u ${owner.id}'`;
    // As the search functions run them (their owner: RLS would keep the planner off an index),
    // with sequential scans off: a few dozen chats fit in a page or two, where the planner would
    // read them all; an expression that stopped matching its index would still be scanned so.
    const [messagePlan, titlePlan] = await db.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return [
        await tx`explain (format json)
          select m.id from public.messages m
           where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning)
                 @@ (websearch_to_tsquery('simple', 'tides') && ${scope}::tsquery)
             and m.status <> 'streaming'`,
        await tx`explain (format json)
          select s.id from public.chat_sessions s
           where public.chat_title_search_vector(s.user_id, s.title) @@ (websearch_to_tsquery('simple', 'chat') && ${scope}::tsquery)`,
      ];
    });
    expect(JSON.stringify(messagePlan![0]!['QUERY PLAN'])).toContain('messages_search_idx');
    expect(JSON.stringify(titlePlan![0]!['QUERY PLAN'])).toContain('chat_sessions_title_search_idx');
  });
});
