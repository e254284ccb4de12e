// Every chat turn whose provider call left the function ends in exactly one usage row for its
// payer. A turn records at its start (private.write_turn_rows) who pays, at what price and our
// estimate of its prompt, so the settle of a turn whose process died
// (private.settle_abandoned_answers, in SQL: no process is left to do it) logs the call;
// private.finish_turn replaces a premature settle's log, logs a turn that never got its rows
// in its chat, and stays one row when it is retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveFinal } from '../../supabase/functions/api/lib/chat/final-save.ts';
import { TurnStore, type FinalAnswer } from '../../supabase/functions/api/lib/chat/turn-store.ts';
import { createLogger } from '../../supabase/functions/api/lib/log.ts';
import { PRICE_TABLE } from '../../supabase/functions/api/lib/prices.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** $1 a million input tokens, $2 a million output tokens, in picodollars a token (lib/cost.ts picoPerToken). */
const DEMO_PRICE = { input: 1_000_000n, output: 2_000_000n };

interface Start {
  payerId: string | null;
  /** The API key that sent the turn (null: the web app). */
  apiKeyId?: string | null;
  promptTokens?: number | null;
  price?: { input: bigint; output: bigint } | null;
}

/** A running turn in a new chat of `ownerId`, as routes/chat.ts starts it, with its answer's checkpoints. */
async function runningTurn(ownerId: string, start: Start) {
  const [ids] = await db.sql`select gen_random_uuid() as session, gen_random_uuid() as question, gen_random_uuid() as answer`;
  const price = start.price === undefined ? DEMO_PRICE : start.price;
  await db.sql`
    select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${ids.session}::uuid, true, null::uuid,
      'title', '{}'::jsonb, ${ids.question}::uuid, true, 'question', 1, null::uuid,
      ${ids.answer}::uuid, 'demo', 'demo-model', 60,
      ${start.payerId}::uuid, null::uuid, null::int, ${start.promptTokens === undefined ? 1200 : start.promptTokens}::int,
      ${price?.input.toString() ?? null}::bigint, ${price?.output.toString() ?? null}::bigint, false, ${start.apiKeyId ?? null}::uuid)`;
  // Checkpoints: 'Half' (reasoning 'hmm, ' first), then ' donné' — 10 UTF-8 bytes of answer, 5 of reasoning.
  await db.sql`insert into private.message_chunks (message_id, first_seq, units, content, reasoning) values
    (${ids.answer}, 1, '{-5,4}', 'Half', 'hmm, '), (${ids.answer}, 3, '{6}', ' donné', '')`;
  return { sessionId: ids.session as string, answerId: ids.answer as string };
}

const lapse = (answerId: string) => db.sql`update private.chat_turns set lease_expires_at = now() - interval '1 second' where message_id = ${answerId}`;

const logsOf = (where: { answerId?: string; sessionId?: string }) => db.sql`
  select user_id, session_id, message_id, provider, model, status, error_code, prompt_tokens, completion_tokens, token_count,
         cost_usd::text as cost_usd, tokens_estimated, ttft_ms, latency_ms
    from public.prompt_usage_logs
   where ${where.answerId ? db.sql`message_id = ${where.answerId}` : db.sql`session_id = ${where.sessionId!}`}
   order by executed_at`;

function finalAnswer(turn: { sessionId: string; answerId: string }, userId: string, payerId: string, over: Partial<FinalAnswer> = {}): FinalAnswer {
  return {
    messageId: turn.answerId, userId, sessionId: turn.sessionId, units: { units: [-5, 4, 6, 9], content: 'Half donné, all', reasoning: 'hmm, ' },
    status: 'complete', code: null, errorMessage: null, reasoningMs: 3, promptTokens: 1190, completionTokens: 7, ttftMs: 5, latencyMs: 90,
    providerMessageId: null, tokensEstimated: false,
    usageLog: { provider: 'demo', model: 'demo-model', promptId: null, promptVersion: null, touchCredential: false, payerId },
    ...over,
  };
}

describe('settle_abandoned_answers: the call of a turn whose process died', () => {
  it("is logged for the payer the turn recorded: the prompt estimate, the kept partial's length as the completion, at the recorded price, flagged as estimated", async () => {
    const owner = await createAuthUser(db.sql);
    const payer = await createAuthUser(db.sql);
    const turn = await runningTurn(owner.id, { payerId: payer.id });
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    // A live lease: nothing is settled, nothing logged.
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([]);
    await lapse(turn.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([turn.answerId]);
    const [answer] = await db.sql`select status, error_code, content, reasoning from public.messages where id = ${turn.answerId}`;
    expect(answer).toEqual({ status: 'error', error_code: 'interrupted', content: 'Half donné', reasoning: 'hmm, ' });
    // Completion: ceil(10 / 4) + ceil(5 / 4) = 5 tokens. Cost: 1,200 × $1/M + 5 × $2/M.
    expect(await logsOf({ answerId: turn.answerId })).toEqual([{
      user_id: payer.id, session_id: turn.sessionId, message_id: turn.answerId, provider: 'demo', model: 'demo-model',
      status: 'error', error_code: 'interrupted', prompt_tokens: 1200, completion_tokens: 5, token_count: 1205,
      cost_usd: '0.001210000000', tokens_estimated: true, ttft_ms: null, latency_ms: null,
    }]);
    // Settled once: a second settle finds nothing and logs nothing.
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([]);
    expect(await logsOf({ sessionId: turn.sessionId })).toHaveLength(1);
  });

  it('logs a stop that finds no live process as stopped, an unpriced model with no cost', async () => {
    const owner = await createAuthUser(db.sql);
    const turn = await runningTurn(owner.id, { payerId: owner.id, price: null });
    await lapse(turn.answerId);
    await new TurnStore(() => db.sql, PRICE_TABLE).settleAbandoned(owner.id, { messageId: turn.answerId }, { status: 'stopped', code: 'stopped_by_user' });
    expect(await logsOf({ answerId: turn.answerId })).toEqual([expect.objectContaining({
      user_id: owner.id, status: 'stopped', error_code: 'stopped_by_user', prompt_tokens: 1200, completion_tokens: 5, cost_usd: null, tokens_estimated: true,
    })]);
  });

  it('settles a turn with no payer recorded (started before turns recorded one, or its payer deleted) without a log', async () => {
    const owner = await createAuthUser(db.sql);
    const payer = await createAuthUser(db.sql);
    const before = await runningTurn(owner.id, { payerId: null, promptTokens: null, price: null });
    const gone = await runningTurn(owner.id, { payerId: payer.id });
    await db.sql`delete from auth.users where id = ${payer.id}`;
    await lapse(before.answerId);
    await lapse(gone.answerId);
    const settled = await new TurnStore(() => db.sql, PRICE_TABLE).settleAbandoned(owner.id, {});
    expect(settled.sort()).toEqual([before.answerId, gone.answerId].sort());
    expect([...(await logsOf({ sessionId: before.sessionId })), ...(await logsOf({ sessionId: gone.sessionId }))]).toEqual([]);
  });
});

describe('finish_turn: one log a call', () => {
  it("replaces the log of a premature settle (the lease lapsed while the database was away) with the turn's own", async () => {
    const owner = await createAuthUser(db.sql);
    const turn = await runningTurn(owner.id, { payerId: owner.id });
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    await lapse(turn.answerId);
    await store.settleAbandoned(owner.id, { sessionId: turn.sessionId });
    expect(await logsOf({ answerId: turn.answerId })).toEqual([expect.objectContaining({ error_code: 'interrupted', tokens_estimated: true })]);
    // The process was alive after all: its end overwrites the answer and the log.
    await store.finish(finalAnswer(turn, owner.id, owner.id));
    const [answer] = await db.sql`select status, content from public.messages where id = ${turn.answerId}`;
    expect(answer).toEqual({ status: 'complete', content: 'Half donné, all' });
    expect(await logsOf({ sessionId: turn.sessionId })).toEqual([expect.objectContaining({
      message_id: turn.answerId, status: 'success', error_code: null, prompt_tokens: 1190, completion_tokens: 7, tokens_estimated: false,
    })]);
    // A retry of the end (its commit's answer lost with the connection) is still one log.
    await store.finish(finalAnswer(turn, owner.id, owner.id, { completionTokens: 8 }));
    expect(await logsOf({ sessionId: turn.sessionId })).toEqual([expect.objectContaining({ message_id: turn.answerId, completion_tokens: 8 })]);
  });

  it('logs a turn that never got its rows (it lost the lock) in its chat, for its payer, without an answer', async () => {
    const owner = await createAuthUser(db.sql);
    const member = await createAuthUser(db.sql);
    const winner = await runningTurn(owner.id, { payerId: owner.id });
    const [{ id: lostAnswerId }] = await db.sql`select gen_random_uuid() as id`;
    await new TurnStore(() => db.sql, PRICE_TABLE).finish(finalAnswer({ sessionId: winner.sessionId, answerId: lostAnswerId }, owner.id, member.id, {
      units: { units: [], content: '', reasoning: '' }, status: 'error', code: 'not_started', errorMessage: 'not saved',
      promptTokens: 1300, completionTokens: 0, tokensEstimated: true,
    }));
    expect(await logsOf({ sessionId: winner.sessionId })).toEqual([expect.objectContaining({
      user_id: member.id, message_id: null, status: 'error', error_code: 'not_started', prompt_tokens: 1300, completion_tokens: 0,
      cost_usd: '0.001300000000', tokens_estimated: true,
    })]);
    // The winner's turn and lock are untouched.
    const [lock] = await db.sql`select message_id from private.chat_turns where session_id = ${winner.sessionId}`;
    expect(lock.message_id).toBe(winner.answerId);
  });
});

describe('the API key that sent a turn', () => {
  it('is logged with the call, by the settle of a turn whose process died and by finish_turn', async () => {
    const owner = await createAuthUser(db.sql);
    const [key] = await db.sql`insert into public.api_keys (user_id, name, prefix, key_hash, scopes)
      values (${owner.id}, 'sdk', 'mrp_abcdefgh', sha256(convert_to(gen_random_uuid()::text, 'utf8')), '{chat}') returning id`;
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const died = await runningTurn(owner.id, { payerId: owner.id, apiKeyId: key!.id });
    await lapse(died.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: died.sessionId })).toEqual([died.answerId]);
    const finished = await runningTurn(owner.id, { payerId: owner.id, apiKeyId: key!.id });
    const answer = finalAnswer(finished, owner.id, owner.id);
    await store.finish({ ...answer, usageLog: { ...answer.usageLog, apiKeyId: key!.id } });
    const web = await runningTurn(owner.id, { payerId: owner.id });
    await store.finish(finalAnswer(web, owner.id, owner.id));
    const keyOf = async (answerId: string) => (await db.sql`select api_key_id from public.prompt_usage_logs where message_id = ${answerId}`).map((r) => r.api_key_id);
    expect([await keyOf(died.answerId), await keyOf(finished.answerId), await keyOf(web.answerId)]).toEqual([[key!.id], [key!.id], [null]]);
  });
});

describe('what a turn\'s call was for, and its reasoning tokens (QA 6 #6, #13)', () => {
  it('logs a chat answer as `chat`, with the reasoning tokens the provider reported, by finish_turn and by the settle', async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const finished = await runningTurn(owner.id, { payerId: owner.id });
    await store.finish(finalAnswer(finished, owner.id, owner.id, { completionTokens: 500, cachedTokens: 400, reasoningTokens: 200 }));
    const died = await runningTurn(owner.id, { payerId: owner.id });
    await lapse(died.answerId);
    await store.settleAbandoned(owner.id, { sessionId: died.sessionId });
    const read = async (answerId: string) => (await db.sql`
      select purpose, cached_tokens, completion_tokens, reasoning_tokens from public.prompt_usage_logs where message_id = ${answerId}`)[0];
    expect(await read(finished.answerId)).toEqual({ purpose: 'chat', cached_tokens: 400, completion_tokens: 500, reasoning_tokens: 200 });
    // The settle's counts are estimates: no reasoning count, still a chat answer.
    expect(await read(died.answerId)).toMatchObject({ purpose: 'chat', reasoning_tokens: null });
  });

  it('refuses a purpose outside the list, and a negative reasoning count', async () => {
    const owner = await createAuthUser(db.sql);
    for (const bad of [{ purpose: 'anything' }, { reasoning_tokens: -1 }]) {
      await expect(db.sql`insert into public.prompt_usage_logs ${db.sql({ user_id: owner.id, provider: 'demo', model: 'm', status: 'success', ...bad })}`)
        .rejects.toThrow(/violates check constraint/);
    }
  });
});

describe('an answer whose final write was given up with its checkpoints whole (QA13 #3)', () => {
  /** Runs the turn's final save against a database that takes every write but the final one (save_failed). */
  async function giveUpFinalWrite(store: TurnStore, answer: FinalAnswer) {
    const failing = {
      finish: async () => { throw new Error('canceling statement due to lock timeout'); },
      keepWhole: (a: FinalAnswer) => store.keepWhole(a),
      replaceCheckpoints: (id: string, units: FinalAnswer['units']) => store.replaceCheckpoints(id, units),
    };
    const saved = await saveFinal(answer, { store: failing, log: createLogger(() => {}, 'silent'), windowMs: 60_000, hasRows: true, afterKeptTries: 1, sleep: async () => {} });
    expect(saved).toBe('kept');
  }

  const answerRow = (answerId: string) => db.sql`
    select status, error_code, error, content, reasoning, stream_units, reasoning_ms, prompt_tokens, completion_tokens, token_count, ttft_ms, latency_ms
      from public.messages where id = ${answerId}`.then((rows) => rows[0]);
  const withoutIds = (logs: Record<string, unknown>[]) => logs.map(({ session_id: _s, message_id: _m, ...rest }) => rest);

  it('is settled as it ended — complete, whole, with its own usage row once — as its final write would have stored it', async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const over = { completionTokens: 500, cachedTokens: 400, reasoningTokens: 200 };
    const given = await runningTurn(owner.id, { payerId: owner.id });
    await giveUpFinalWrite(store, finalAnswer(given, owner.id, owner.id, over));
    // The same answer, finished by its own final write, for comparison.
    const written = await runningTurn(owner.id, { payerId: owner.id });
    await store.finish(finalAnswer(written, owner.id, owner.id, over));

    await lapse(given.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: given.sessionId })).toEqual([given.answerId]);
    expect(await answerRow(given.answerId)).toEqual({
      status: 'complete', error_code: null, error: null, content: 'Half donné, all', reasoning: 'hmm, ', stream_units: [-5, 4, 6, 9],
      reasoning_ms: 3, prompt_tokens: 1190, completion_tokens: 500, token_count: 500, ttft_ms: 5, latency_ms: 90,
    });
    expect(await answerRow(given.answerId)).toEqual(await answerRow(written.answerId));
    const logs = await logsOf({ answerId: given.answerId });
    expect(logs).toEqual([expect.objectContaining({ status: 'success', prompt_tokens: 1190, completion_tokens: 500, tokens_estimated: false })]);
    expect(withoutIds(logs)).toEqual(withoutIds(await logsOf({ answerId: written.answerId })));
    const [extra] = await db.sql`select purpose, cached_tokens, reasoning_tokens, asked_by from public.prompt_usage_logs where message_id = ${given.answerId}`;
    expect(extra).toEqual({ purpose: 'chat', cached_tokens: 400, reasoning_tokens: 200, asked_by: owner.id });

    // Settled once: nothing is left to settle, the checkpoints and the turn are gone, still one row.
    expect(await store.settleAbandoned(owner.id, { sessionId: given.sessionId })).toEqual([]);
    expect(await logsOf({ sessionId: given.sessionId })).toHaveLength(1);
    const [left] = await db.sql`select (select count(*) from private.message_chunks where message_id = ${given.answerId})::int as chunks,
      (select count(*) from private.chat_turns where message_id = ${given.answerId})::int as turns`;
    expect(left).toEqual({ chunks: 0, turns: 0 });
  });

  it('is settled as interrupted, from what they hold, when its checkpoints no longer hold it whole (a crash emptied the unlogged table)', async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const turn = await runningTurn(owner.id, { payerId: owner.id });
    await giveUpFinalWrite(store, finalAnswer(turn, owner.id, owner.id));
    // The checkpoint written again after the crash holds the first units only.
    await db.sql`delete from private.message_chunks where message_id = ${turn.answerId}`;
    await db.sql`insert into private.message_chunks (message_id, first_seq, units, content, reasoning) values (${turn.answerId}, 1, '{-5,4}', 'Half', 'hmm, ')`;
    await lapse(turn.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([turn.answerId]);
    expect(await answerRow(turn.answerId)).toMatchObject({ status: 'error', error_code: 'interrupted', content: 'Half', reasoning: 'hmm, ' });
    expect(await logsOf({ answerId: turn.answerId })).toEqual([expect.objectContaining({ status: 'error', error_code: 'interrupted', tokens_estimated: true })]);
  });

  it('keeps the whole text, settled as interrupted, when the final write and the outcome are refused for what they hold', async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const turn = await runningTurn(owner.id, { payerId: owner.id });
    // An error longer than a message's error may be: finish_turn and the kept outcome are both refused (a check).
    const refused = finalAnswer(turn, owner.id, owner.id, { status: 'error', code: 'provider_error', errorMessage: 'x'.repeat(2001) });
    expect(await saveFinal(refused, { store, log: createLogger(() => {}, 'silent'), windowMs: 60_000, hasRows: true, sleep: async () => {} })).toBe('unsaved');
    await lapse(turn.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([turn.answerId]);
    expect(await answerRow(turn.answerId)).toMatchObject({ status: 'error', error_code: 'interrupted', content: 'Half donné, all' });
  });

  it('is settled as interrupted when the outcome is refused as the final write was (here: its payer is gone), without failing the settle', async () => {
    const owner = await createAuthUser(db.sql);
    const payer = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const turn = await runningTurn(owner.id, { payerId: payer.id });
    await giveUpFinalWrite(store, finalAnswer(turn, owner.id, payer.id));
    await db.sql`delete from auth.users where id = ${payer.id}`;
    await lapse(turn.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([turn.answerId]);
    expect(await answerRow(turn.answerId)).toMatchObject({ status: 'error', error_code: 'interrupted', content: 'Half donné, all' });
    expect(await logsOf({ answerId: turn.answerId })).toEqual([]);
  });

  it('is not said to be kept, nor its checkpoints written, once it was settled meanwhile (security review 13 #2)', async () => {
    const owner = await createAuthUser(db.sql);
    const store = new TurnStore(() => db.sql, PRICE_TABLE);
    const turn = await runningTurn(owner.id, { payerId: owner.id });
    // The lease lapsed while this process could not reach the database, and a read settled it.
    await lapse(turn.answerId);
    expect(await store.settleAbandoned(owner.id, { sessionId: turn.sessionId })).toEqual([turn.answerId]);
    const failing = {
      finish: async () => { throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }); },
      keepWhole: (a: FinalAnswer) => store.keepWhole(a),
      replaceCheckpoints: (id: string, units: FinalAnswer['units']) => store.replaceCheckpoints(id, units),
    };
    let clock = 0;
    const saved = await saveFinal(finalAnswer(turn, owner.id, owner.id), {
      store: failing, log: createLogger(() => {}, 'silent'), windowMs: 5_000, hasRows: true, afterKeptTries: 1,
      now: () => clock, sleep: async (ms) => void (clock += ms),
    });
    expect(saved).toBe('unsaved');
    expect(await db.sql`select 1 from private.message_chunks where message_id = ${turn.answerId}`).toHaveLength(0);
  });
});
