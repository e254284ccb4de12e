// The rows a chat turn writes, and how often. private.write_turn_rows: every row version of
// chat_sessions is logged whole (replica identity full) with an entry in each of its indexes,
// so a turn writes the session's row as few times as its end state needs: once in a chat that
// goes on, twice for a new chat (its insert and the answer's touch). TurnStore: a lease
// renewal is a heap-only update, and the usage log's id is time-ordered.
import type { Sql, TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TurnStore } from '../../supabase/functions/api/lib/chat/turn-store.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Turn {
  sessionId: string;
  newSession: boolean;
  metadata: Record<string, unknown>;
  parentId?: string | null;
}

/** Runs write_turn_rows in its own transaction; returns the ids and what it did to chat_sessions. */
async function startTurn(ownerId: string, turn: Turn) {
  return db.sql.begin(async (tx: TransactionSql) => {
    // The backend's pending statistics may still hold earlier transactions' counts: a delta.
    const counts = async () => (await tx`
      select pg_stat_get_xact_tuples_inserted('public.chat_sessions'::regclass)::int as inserted,
             pg_stat_get_xact_tuples_updated('public.chat_sessions'::regclass)::int as updated`)[0] as { inserted: number; updated: number };
    const [ids] = await tx`select gen_random_uuid() as question, gen_random_uuid() as answer`;
    const before = await counts();
    const [{ missing }] = await tx`
      select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${turn.sessionId}::uuid, ${turn.newSession}, null::uuid,
        'title', ${tx.json(turn.metadata as never)}::jsonb, ${ids.question}::uuid, true, 'question', 1, ${turn.parentId ?? null}::uuid,
        ${ids.answer}::uuid, 'demo', 'demo-model', 60) as missing`;
    const after = await counts();
    const writes = { inserted: after.inserted - before.inserted, updated: after.updated - before.updated };
    return { missing, question: ids.question as string, answer: ids.answer as string, writes };
  });
}

/** Ends the turn as TurnStore.finish does (answer written, lock released). */
async function finishTurn(answerId: string) {
  await db.sql`update public.messages set status = 'complete', content = 'answer' where id = ${answerId}`;
  await db.sql`delete from private.chat_turns where message_id = ${answerId}`;
}

describe('write_turn_rows: the session row', () => {
  it('is inserted and touched once by the answer in a new chat; the answer is the leaf', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const turn = await startTurn(owner.id, { sessionId, newSession: true, metadata: { model: 'demo-model' } });
    expect(turn.missing).toBeNull();
    expect(turn.writes).toEqual({ inserted: 1, updated: 1 });
    const [session] = await db.sql`
      select s.active_leaf_id, s.last_message_at = m.created_at as at_answer, s.metadata
        from public.chat_sessions s join public.messages m on m.id = ${turn.answer} where s.id = ${sessionId}`;
    expect(session).toEqual({ active_leaf_id: turn.answer, at_answer: true, metadata: { model: 'demo-model' } });
  });

  it('is written once per turn in a chat that goes on, twice when the owner changes its settings', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const first = await startTurn(owner.id, { sessionId, newSession: true, metadata: { model: 'demo-model' } });
    await finishTurn(first.answer);

    const same = await startTurn(owner.id, { sessionId, newSession: false, metadata: { model: 'demo-model' }, parentId: first.answer });
    expect(same.missing).toBeNull();
    expect(same.writes).toEqual({ inserted: 0, updated: 1 });
    await finishTurn(same.answer);

    const changed = await startTurn(owner.id, { sessionId, newSession: false, metadata: { model: 'other-model' }, parentId: same.answer });
    expect(changed.writes).toEqual({ inserted: 0, updated: 2 });
    const [session] = await db.sql`
      select s.active_leaf_id, s.last_message_at = m.created_at as at_answer, s.metadata
        from public.chat_sessions s join public.messages m on m.id = ${changed.answer} where s.id = ${sessionId}`;
    expect(session).toEqual({ active_leaf_id: changed.answer, at_answer: true, metadata: { model: 'other-model' } });
    const [question] = await db.sql`select parent_id from public.messages where id = ${changed.question}`;
    expect(question.parent_id).toBe(same.answer);
  });

  it("still says 'session' for a chat that is not the owner's, unchanged settings or not", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const first = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
    await finishTurn(first.answer);
    const theirs = await startTurn(stranger.id, { sessionId, newSession: false, metadata: {} });
    expect(theirs.missing).toBe('session');
    const [{ n }] = await db.sql`select count(*)::int as n from public.messages where session_id = ${sessionId}`;
    expect(n).toBe(2);
  });

  it('leaves the touch of every other message write as it was: a message inserted on its own moves the leaf', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const first = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
    await finishTurn(first.answer);
    const [note] = await db.sql`
      insert into public.messages (session_id, user_id, sender, content) values (${sessionId}, ${owner.id}, 'system', 'note') returning id`;
    const [session] = await db.sql`select active_leaf_id from public.chat_sessions where id = ${sessionId}`;
    expect(session.active_leaf_id).toBe(note.id);
  });
});

describe('TurnStore: the writes while and after a turn runs', () => {
  it('renews a lease as a heap-only update (no index entries)', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const turn = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
    const writes = await db.sql.begin(async (tx) => {
      const counts = async () => (await tx`
        select pg_stat_get_xact_tuples_updated('private.chat_turns'::regclass)::int as updated,
               pg_stat_get_xact_tuples_hot_updated('private.chat_turns'::regclass)::int as hot`)[0] as { updated: number; hot: number };
      const before = await counts();
      const stops = await new TurnStore(() => tx as unknown as Sql).renewLeases([turn.answer], 30_000);
      expect(stops).toEqual([]);
      const after = await counts();
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(writes).toEqual({ updated: 1, hot: 1 });
  });

  it('keeps every unit when a checkpoint that did commit is retried with more (its answer was lost)', async () => {
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const turn = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
    const store = new TurnStore(() => db.sql);
    const chunks = async () => db.sql`select first_seq, units, content from private.message_chunks where message_id = ${turn.answer} order by first_seq`;
    await store.checkpoint(turn.answer, 1, { units: [1, 2], content: 'abc', reasoning: '' });
    // The retry of that checkpoint carries the units streamed since, from the same first seq.
    await store.checkpoint(turn.answer, 1, { units: [1, 2, 3], content: 'abcdef', reasoning: '' });
    expect(await chunks()).toEqual([{ first_seq: 1, units: [1, 2, 3], content: 'abcdef' }]);
    // A stale, shorter write of the same checkpoint changes nothing; the next one follows on.
    await store.checkpoint(turn.answer, 1, { units: [1], content: 'a', reasoning: '' });
    await store.checkpoint(turn.answer, 4, { units: [2], content: 'gh', reasoning: '' });
    expect(await chunks()).toEqual([{ first_seq: 1, units: [1, 2, 3], content: 'abcdef' }, { first_seq: 4, units: [2], content: 'gh' }]);
    expect((await store.readAnswer(owner.id, turn.answer))?.units.map((u) => [u.seq, u.text])).toEqual([[1, 'a'], [2, 'bc'], [3, 'def'], [4, 'gh']]);
  });

  it('keeps checkpoints out of the WAL, and says when the ones before a checkpoint are gone so the answer is written again', async () => {
    const [table] = await db.sql`select relpersistence from pg_class where oid = 'private.message_chunks'::regclass`;
    expect(table).toEqual({ relpersistence: 'u' });
    const owner = await createAuthUser(db.sql);
    const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
    const turn = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
    const store = new TurnStore(() => db.sql);
    const chunks = async () => db.sql`select first_seq, units, content from private.message_chunks where message_id = ${turn.answer} order by first_seq`;
    expect(await store.checkpoint(turn.answer, 1, { units: [1, 2], content: 'abc', reasoning: '' })).toBe(0);
    expect(await store.checkpoint(turn.answer, 3, { units: [3], content: 'def', reasoning: '' })).toBe(2);
    // A crash of the database empties the unlogged table (here: this answer's rows).
    await db.sql`delete from private.message_chunks where message_id = ${turn.answer}`;
    expect(await store.checkpoint(turn.answer, 4, { units: [2], content: 'gh', reasoning: '' })).toBe(0);
    await store.replaceCheckpoints(turn.answer, { units: [1, 2, 3, 2], content: 'abcdefgh', reasoning: '' });
    expect(await chunks()).toEqual([{ first_seq: 1, units: [1, 2, 3, 2], content: 'abcdefgh' }]);
    expect(await store.checkpoint(turn.answer, 5, { units: [1], content: 'i', reasoning: '' })).toBe(4);
    expect((await store.readAnswer(owner.id, turn.answer))?.units.map((u) => [u.seq, u.text])).toEqual([[1, 'a'], [2, 'bc'], [3, 'def'], [4, 'gh'], [5, 'i']]);
  });

  it("logs the call under a time-ordered (version 7) id, after the last one's", async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [{ id: sessionId }] = await db.sql`select gen_random_uuid() as id`;
      const turn = await startTurn(owner.id, { sessionId, newSession: true, metadata: {} });
      await store.finish({
        messageId: turn.answer, userId: owner.id, sessionId, units: { units: [6], content: 'answer', reasoning: '' }, status: 'complete',
        code: null, errorMessage: null, reasoningMs: null, promptTokens: 3, completionTokens: 1, ttftMs: 5, latencyMs: 9, providerMessageId: null,
        usageLog: { provider: 'demo', model: 'demo-model', promptId: null, promptVersion: null, touchCredential: false },
      });
      const [log] = await db.sql`select id::text from public.prompt_usage_logs where message_id = ${turn.answer}`;
      ids.push(log.id);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(ids.map((id) => id[14])).toEqual(['7', '7']);
    expect(ids[0]! < ids[1]!).toBe(true);
  });
});
