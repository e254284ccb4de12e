// A running turn's checkpoints (private.message_chunks) against the real database: each unit
// is stored once and in order, also when a rewrite from unit 1 commits but its caller never
// hears so (the connection dropped after COMMIT: a pooler restart, a network reset), and a
// settle from them then keeps the answer's text once.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../supabase/functions/api/lib/log.ts';
import type { Broadcaster } from '../../supabase/functions/api/lib/realtime-broadcast.ts';
import { Turn } from '../../supabase/functions/api/lib/chat/turn.ts';
import { TurnStore } from '../../supabase/functions/api/lib/chat/turn-store.ts';
import { packUnits, type PackedUnits } from '../../supabase/functions/api/lib/chat/units.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A chat with a question and a streaming answer, as a turn's start writes them; the answer's id. */
async function streamingAnswer(ownerId: string): Promise<string> {
  return db.sql.begin(async (tx: TransactionSql) => {
    const [ids] = await tx`select gen_random_uuid() as session, gen_random_uuid() as question, gen_random_uuid() as answer`;
    await tx`
      select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${ids.session}::uuid, true, null::uuid,
        'title', '{}'::jsonb, ${ids.question}::uuid, true, 'question', 1, null::uuid,
        ${ids.answer}::uuid, 'demo', 'demo-model', 60)`;
    return ids.answer as string;
  });
}

/** A provider whose answer the test writes chunk by chunk. */
function providerFeed() {
  let stream!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (stream = controller) });
  const encoder = new TextEncoder();
  const chunk = (data: unknown) => stream.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
  return {
    fetch: (async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })) as unknown as typeof fetch,
    send: (text: string) => chunk({ choices: [{ index: 0, delta: { content: text } }] }),
    end: () => {
      stream.enqueue(encoder.encode('data: [DONE]\n\n'));
      stream.close();
    },
  };
}

const quietBroadcaster: Broadcaster = { send: () => {}, whenReady: (take) => take(), open: () => () => {}, flush: async () => {} };

/** The real store, whose next rewrite from unit 1 commits and then reports a lost connection. */
class StoreLosingOneAnswer extends TurnStore {
  loseNextRewrite = false;
  override async replaceCheckpoints(messageId: string, packed: PackedUnits): Promise<void> {
    await super.replaceCheckpoints(messageId, packed);
    if (this.loseNextRewrite) {
      this.loseNextRewrite = false;
      throw new Error('write CONNECTION_CLOSED');
    }
  }
}

const words = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `w${from + i} `);

it('a rewrite from unit 1 that committed unheard leaves no overlapping checkpoints: each unit once, and a settle keeps the text once', async () => {
  const owner = await createAuthUser(db.sql);
  const answerId = await streamingAnswer(owner.id);
  const store = new StoreLosingOneAnswer(() => db.sql);
  const feed = providerFeed();
  const turn = new Turn({
    messageId: answerId, sessionId: 'unused', userId: owner.id, endpoint: { baseUrl: 'http://provider.test/v1', apiKey: 'none', fetch: feed.fetch },
    providerName: 'Fake', model: 'demo-model', estimatePromptTokens: async () => 1,
    usageLog: { provider: 'demo', model: 'demo-model', promptId: null, promptVersion: null, touchCredential: false },
    store, broadcaster: quietBroadcaster, log: createLogger(() => {}, 'silent'),
    providerTimeoutMs: 30_000, checkpointMs: 50, maxDurationMs: 0, finalSaveMs: 5_000,
  });
  turn.start(Promise.resolve(), [{ role: 'user', content: 'question' }]);
  const stored = async () => (await store.readAnswer(owner.id, answerId))!.units.map((u) => u.text);
  const send = (texts: string[]) => texts.forEach((text) => feed.send(text));

  send(words(1, 10));
  await expect.poll(stored).toEqual(words(1, 10));
  // A crash of the database empties the unlogged table. The next checkpoint finds the units
  // before it gone and writes them all again, from unit 1; that commits, but the turn hears
  // an error instead and counts only the first ten as stored.
  await db.sql`delete from private.message_chunks where message_id = ${answerId}`;
  store.loseNextRewrite = true;
  send(words(11, 20));
  await expect.poll(() => store.loseNextRewrite).toBe(false);
  expect(await stored()).toEqual(words(1, 20));
  // The next checkpoint starts at unit 11, inside the rewritten row: it must not store units twice.
  send(words(21, 30));
  await expect.poll(stored).toEqual(words(1, 30));
  const rows = await db.sql`select first_seq, cardinality(units) as n from private.message_chunks where message_id = ${answerId} order by first_seq`;
  expect(rows.every((row, i) => i === 0 || row.first_seq > rows[i - 1]!.first_seq + rows[i - 1]!.n - 1)).toBe(true);

  // The process dies here: its lease lapses and a read of the chat settles the answer from the checkpoints.
  await db.sql`update private.chat_turns set lease_expires_at = now() - interval '1 minute' where message_id = ${answerId}`;
  expect(await store.settleAbandoned(owner.id, { messageId: answerId })).toEqual([answerId]);
  const [settled] = await db.sql`select status, content from public.messages where id = ${answerId}`;
  expect(settled).toEqual({ status: 'error', content: words(1, 30).join('') });

  feed.end();
  await turn.ended;
});

it('TurnStore.checkpoint does not store units that begin inside the rows before them, and says how many those hold', async () => {
  const owner = await createAuthUser(db.sql);
  const answerId = await streamingAnswer(owner.id);
  const store = new TurnStore(() => db.sql);
  const units = (from: number, to: number) => packUnits(words(from, to).map((text) => ({ kind: 'content' as const, text })));
  await store.replaceCheckpoints(answerId, units(1, 30));
  expect(await store.checkpoint(answerId, 21, units(21, 40))).toBe(30);
  expect(await db.sql`select first_seq, cardinality(units) as n from private.message_chunks where message_id = ${answerId}`).toEqual([{ first_seq: 1, n: 30 }]);
  // Units right after the rows before them are appended as always.
  expect(await store.checkpoint(answerId, 31, units(31, 40))).toBe(30);
  expect((await store.readAnswer(owner.id, answerId))!.units.map((u) => u.text)).toEqual(words(1, 40));
});
