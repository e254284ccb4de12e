// answer_scores per actor: the rater reads, scores readable answers, changes and removes
// their own; a stranger can neither score someone's answer nor see scores; anon has nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function answer(owner: AuthUser) {
  const [s] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'T') returning id`;
  const [m] = await db.sql`insert into public.messages (session_id, user_id, sender, content, status) values (${s.id}, ${owner.id}, 'assistant', 'A', 'complete') returning id`;
  const [q] = await db.sql`insert into public.messages (session_id, user_id, sender, content, status) values (${s.id}, ${owner.id}, 'user', 'Q', 'complete') returning id`;
  const [l] = await db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status) values (${owner.id}, 'demo', 'm', 'success') returning id`;
  return { messageId: m.id as string, questionId: q.id as string, logId: l.id as string };
}

describe('answer_scores', () => {
  it('owner: scores an answer or a call, reads, changes the rating, removes', async () => {
    const owner = await createAuthUser(db.sql);
    const a = await answer(owner);
    const [row] = await asActor(db.sql, owner, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating, comment) values (${owner.id}, ${a.messageId}, 1, 'good') returning id`);
    await asActor(db.sql, owner, (tx) => tx`insert into public.answer_scores (user_id, usage_log_id, rating) values (${owner.id}, ${a.logId}, -1)`);
    expect(await asActor(db.sql, owner, (tx) => tx`select rating from public.answer_scores order by rating`)).toEqual([{ rating: -1 }, { rating: 1 }]);
    expect(await asActor(db.sql, owner, (tx) => tx`update public.answer_scores set rating = -1 where id = ${row.id} returning id`)).toHaveLength(1);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.answer_scores set user_id = gen_random_uuid() where id = ${row.id}`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, owner, (tx) => tx`delete from public.answer_scores where id = ${row.id} returning id`)).toHaveLength(1);
  });

  it('owner: cannot score a question, or rate 5', async () => {
    const owner = await createAuthUser(db.sql);
    const a = await answer(owner);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${owner.id}, ${a.questionId}, 1)`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${owner.id}, ${a.messageId}, 5)`)).rejects.toThrow(/check constraint/);
  });

  it("stranger: cannot score someone's answer or call, nor see or change their scores", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const a = await answer(owner);
    const [row] = await asActor(db.sql, owner, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${owner.id}, ${a.messageId}, 1) returning id`);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${stranger.id}, ${a.messageId}, -1)`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.answer_scores (user_id, usage_log_id, rating) values (${stranger.id}, ${a.logId}, -1)`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${owner.id}, ${a.messageId}, -1)`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asActor(db.sql, stranger, (tx) => tx`select id from public.answer_scores`)).toEqual([]);
    expect(await asActor(db.sql, stranger, (tx) => tx`update public.answer_scores set rating = -1 where id = ${row.id} returning id`)).toEqual([]);
    expect(await asActor(db.sql, stranger, (tx) => tx`delete from public.answer_scores where id = ${row.id} returning id`)).toEqual([]);
  });

  it('anonymous: no access; service role: everything', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select id from public.answer_scores`)).rejects.toThrow(PERMISSION_DENIED);
    const owner = await createAuthUser(db.sql);
    const a = await answer(owner);
    await asActor(db.sql, 'service_role', (tx) => tx`insert into public.answer_scores (user_id, message_id, rating) values (${owner.id}, ${a.messageId}, 1)`);
    expect(await asActor(db.sql, 'service_role', (tx) => tx`select id from public.answer_scores where message_id = ${a.messageId}`)).toHaveLength(1);
  });
});
