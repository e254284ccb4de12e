// prompt_usage_logs.asked_by: who asked for each call (QA 8 #5). In a group chat whose owner
// pays for members' turns the rows are the owner's; every writer records the member who asked
// (private.finish_turn, private.settle_abandoned_answers, the function's log of calls outside
// a turn), nobody can rewrite it with their own token, a deleted account leaves its calls
// unsigned, and each actor reads only what is theirs through the two definer functions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TurnStore } from '../../supabase/functions/api/lib/chat/turn-store.ts';
import { logGatewayCall } from '../../supabase/functions/api/lib/gateway-log.ts';
import { PRICE_TABLE } from '../../supabase/functions/api/lib/prices.ts';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import type { Config } from '../../supabase/functions/api/config.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** Starts a turn in `sessionId` (new when `isNew`) asked by `author`, paid by `payerId`. */
async function startTurn(ownerId: string, author: AuthUser, sessionId: string, isNew: boolean, payerId: string) {
  const [ids] = await db.sql`select gen_random_uuid() as question, gen_random_uuid() as answer`;
  const [parent] = isNew ? [null] : await db.sql`select id from public.messages where session_id = ${sessionId} order by created_at desc, id desc limit 1`;
  await db.sql`
    select private.write_turn_rows(${ownerId}::uuid, ${author.id}::uuid, ${sessionId}::uuid, ${isNew}, null::uuid,
      'title', '{}'::jsonb, ${ids.question}::uuid, true, 'question', 1, ${parent?.id ?? null}::uuid,
      ${ids.answer}::uuid, 'demo', 'demo-model', 60,
      ${payerId}::uuid, null::uuid, null::int, 100::int, 1000000::bigint, 2000000::bigint, false, null::uuid)`;
  return ids.answer as string;
}

const store = () => new TurnStore(() => db.sql, PRICE_TABLE);

async function finish(ownerId: string, sessionId: string, answerId: string, payerId: string, askedBy?: string) {
  await store().finish({
    messageId: answerId, userId: ownerId, sessionId, units: { units: [2], content: 'ok', reasoning: '' },
    status: 'complete', code: null, errorMessage: null, reasoningMs: null, promptTokens: 100, completionTokens: 20, ttftMs: 5, latencyMs: 50,
    providerMessageId: null, usageLog: { provider: 'demo', model: 'demo-model', promptId: null, promptVersion: null, touchCredential: false, payerId, askedBy },
  });
}

/** Olive's group chat where she pays for Ann's turns; Bob is another member; Sam a stranger. */
async function paidGroupChat() {
  const olive = await createAuthUser(db.sql, { metadata: { display_name: 'Olive' } });
  const ann = await createAuthUser(db.sql, { metadata: { display_name: 'Ann' } });
  const bob = await createAuthUser(db.sql, { metadata: { display_name: 'Bob' } });
  const sam = await createAuthUser(db.sql, { metadata: { display_name: 'Sam' } });
  const [s] = await db.sql`select gen_random_uuid() as id`;
  const sessionId = s.id as string;
  await finish(olive.id, sessionId, await startTurn(olive.id, olive, sessionId, true, olive.id), olive.id, olive.id);
  await joinGroupChat(db.sql, olive, ann, sessionId, 'member');
  await joinGroupChat(db.sql, olive, bob, sessionId, 'member');
  const annAnswer = await startTurn(olive.id, ann, sessionId, false, olive.id);
  await finish(olive.id, sessionId, annAnswer, olive.id, ann.id);
  return { olive, ann, bob, sam, sessionId, annAnswer };
}

const askers = (payerId: string) => db.sql`
  select asked_by, purpose from public.prompt_usage_logs where user_id = ${payerId} order by executed_at, id`;

const RANGE = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
const paidByOthers = (who: AuthUser) =>
  asActor(db.sql, who, (tx) => tx`select * from public.my_calls_paid_by_others(${RANGE.from}, ${RANGE.to})`);
const namesFor = (who: AuthUser, ids: string[]) =>
  asActor(db.sql, who, (tx) => tx`select user_id, display_name from public.usage_asker_names(${ids}::uuid[]) order by display_name`);

describe('asked_by: the writers', () => {
  it("finish_turn records the member whose turn the owner paid for, and the owner's own turn as the owner's", async () => {
    const t = await paidGroupChat();
    expect(await askers(t.olive.id)).toEqual([{ asked_by: t.olive.id, purpose: 'chat' }, { asked_by: t.ann.id, purpose: 'chat' }]);
  });

  it("finish_turn, called without the asker (a function deployed before the column), takes the answer's author", async () => {
    const t = await paidGroupChat();
    const answer = await startTurn(t.olive.id, t.bob, t.sessionId, false, t.olive.id);
    await finish(t.olive.id, t.sessionId, answer, t.olive.id);
    // TurnStore passes answer.userId when no askedBy is given; the SQL default is exercised here.
    await db.sql`update public.prompt_usage_logs set asked_by = null where message_id = ${answer}`;
    await db.sql`
      select private.finish_turn(${answer}::uuid, ${t.olive.id}::uuid, ${t.sessionId}::uuid, 'ok', '', '{2}'::int[], 'complete', null, null, null,
        1, 1, null, null, 1, null, gen_random_uuid(), ${t.olive.id}::uuid, null::uuid, null::int, 'demo', 'demo-model', 0::numeric, false)`;
    const [row] = await db.sql`select asked_by from public.prompt_usage_logs where message_id = ${answer}`;
    expect(row.asked_by).toBe(t.bob.id);
  });

  it("settle_abandoned_answers logs a member's dead turn against the member who asked", async () => {
    const t = await paidGroupChat();
    const answer = await startTurn(t.olive.id, t.ann, t.sessionId, false, t.olive.id);
    await db.sql`update private.chat_turns set lease_expires_at = now() - interval '1 second' where message_id = ${answer}`;
    expect(await store().settleAbandoned(t.olive.id, { messageId: answer })).toEqual([answer]);
    const [row] = await db.sql`select user_id, asked_by, tokens_estimated from public.prompt_usage_logs where message_id = ${answer}`;
    expect(row).toEqual({ user_id: t.olive.id, asked_by: t.ann.id, tokens_estimated: true });
  });

  it('the log of a call outside a turn (gateway, title, embeddings) records its caller, who paid', async () => {
    const user = await createAuthUser(db.sql);
    const config = { prices: PRICE_TABLE } as unknown as Config;
    await logGatewayCall(db.sql, config, {
      userId: user.id, purpose: 'gateway', provider: 'demo', model: 'demo-model', status: 'success', promptId: null, promptVersion: null,
      ttftMs: null, latencyMs: 10, promptTokens: 3, cachedTokens: null, completionTokens: 4, errorCode: null,
    });
    expect(await askers(user.id)).toEqual([{ asked_by: user.id, purpose: 'gateway' }]);
  });
});

describe('asked_by: grants', () => {
  it('neither the payer nor the asker can rewrite it with their own token', async () => {
    const t = await paidGroupChat();
    for (const who of [t.olive, t.ann]) {
      await expect(asActor(db.sql, who, (tx) => tx`update public.prompt_usage_logs set asked_by = ${t.bob.id} where message_id = ${t.annAnswer}`))
        .rejects.toThrow(PERMISSION_DENIED);
    }
    const [row] = await db.sql`select asked_by from public.prompt_usage_logs where message_id = ${t.annAnswer}`;
    expect(row.asked_by).toBe(t.ann.id);
  });

  it("a deleted asker's calls stay the payer's, unsigned", async () => {
    const t = await paidGroupChat();
    await db.sql`delete from auth.users where id = ${t.ann.id}`;
    const [row] = await db.sql`select user_id, asked_by, token_count from public.prompt_usage_logs where message_id = ${t.annAnswer}`;
    expect(row).toEqual({ user_id: t.olive.id, asked_by: null, token_count: 120 });
  });
});

describe('my_calls_paid_by_others, per actor', () => {
  it('the asker reads the count and tokens of their calls someone else paid for, and who paid (no dollars)', async () => {
    const t = await paidGroupChat();
    expect(await paidByOthers(t.ann)).toEqual([
      { payer_id: t.olive.id, payer_name: 'Olive', calls: 1, prompt_tokens: '100', completion_tokens: '20', total_tokens: '120' },
    ]);
  });

  it("the payer, another member and a stranger read nothing of it (the payer's own calls are on their Usage)", async () => {
    const t = await paidGroupChat();
    for (const who of [t.olive, t.bob, t.sam]) expect(await paidByOthers(who)).toEqual([]);
  });

  it('counts only the range asked for', async () => {
    const t = await paidGroupChat();
    const later = new Date(Date.now() + 7_200_000);
    const rows = await asActor(db.sql, t.ann, (tx) => tx`select * from public.my_calls_paid_by_others(${RANGE.to}, ${later})`);
    expect(rows).toEqual([]);
  });

  it('is not callable without a session', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.my_calls_paid_by_others(now(), now())`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('my_chat_calls_paid_by_others, per actor', () => {
  const inChat = (who: AuthUser | 'anon', sessionId: string) =>
    asActor(db.sql, who, (tx) => tx`select * from public.my_chat_calls_paid_by_others(${sessionId}::uuid)`);

  it("the asker reads the count and tokens of that chat's calls someone else paid for (no dollars); another chat has none", async () => {
    const t = await paidGroupChat();
    expect(await inChat(t.ann, t.sessionId)).toEqual([
      { payer_id: t.olive.id, payer_name: 'Olive', calls: 1, prompt_tokens: '100', completion_tokens: '20', total_tokens: '120' },
    ]);
    expect(await inChat(t.ann, crypto.randomUUID())).toEqual([]);
  });

  it('the payer, another member and a stranger read nothing of it', async () => {
    const t = await paidGroupChat();
    for (const who of [t.olive, t.bob, t.sam]) expect(await inChat(who, t.sessionId)).toEqual([]);
  });

  it('is not callable without a session', async () => {
    const t = await paidGroupChat();
    await expect(inChat('anon', t.sessionId)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('usage_asker_names, per actor', () => {
  it('the payer reads the names of those whose calls they paid for, and their own', async () => {
    const t = await paidGroupChat();
    expect(await namesFor(t.olive, [t.ann.id, t.olive.id, t.bob.id, t.sam.id])).toEqual([
      { user_id: t.ann.id, display_name: 'Ann' }, { user_id: t.olive.id, display_name: 'Olive' },
    ]);
  });

  it('the asker, another member and a stranger cannot look anyone up by id through it', async () => {
    const t = await paidGroupChat();
    expect(await namesFor(t.ann, [t.olive.id, t.bob.id])).toEqual([]);
    expect(await namesFor(t.bob, [t.ann.id, t.olive.id])).toEqual([]);
    expect(await namesFor(t.sam, [t.ann.id, t.olive.id])).toEqual([]);
  });
});
