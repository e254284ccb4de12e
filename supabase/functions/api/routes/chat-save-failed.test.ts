// An answer whose final write is given up while the database still takes its checkpoints: its
// views are told it ended complete, and once its lease lapses, the next read of the chat stores it as it ended —
// complete, whole, with the token counts the asker saw and one usage row (QA13 #3) — not as
// "interrupted before it finished".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  // A short save window and lease, so the turn gives up and its lease lapses within seconds.
  api = await createApiHarness({ env: { CHAT_FINAL_SAVE_MS: '3000', TURN_LEASE_MS: '1000' } });
});
afterAll(async () => {
  await api?.close();
});

describe('an answer whose final write was given up', () => {
  it('is settled complete, with its usage once, from the checkpoints that hold it whole', async () => {
    const alice = await api.createUser();
    const release = api.fakeProvider.pauseAfterFirstToken();
    const asked = readSse(await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: '/echo one two three four five' }));
    const id = await eventually(async () => {
      const [r] = await api.db.sql`select id, session_id from public.messages where user_id = ${alice.id} and sender = 'assistant'`;
      return (r as { id: string; session_id: string } | undefined) ?? null;
    });
    // Another transaction holds the answer's row for the whole save window: every try of the
    // final write (an UPDATE of it) times out on the lock, while the checkpoints (a key-share
    // lock) are written.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = api.db.sql.begin(async (tx) => {
      await tx`select 1 from public.messages where id = ${id.id} for no key update`;
      locked();
      await held;
    });
    await lockTaken;
    release();
    let events: Awaited<typeof asked>;
    try {
      events = await asked;
    } finally {
      commit();
      await holder;
    }
    // The asker is told how the answer ended, not that it was lost (QA14 #3: "The answer could not
    // be saved; copy it before leaving this page" while the database held it whole).
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { assistant_message_id: id.id, status: 'complete', code: null } });
    const usage = events.find((e) => e.event === 'usage')!.data;

    const read = async () => {
      const response = await alice.request('GET', `/sessions/${id.session_id}/messages`);
      expect(response.status).toBe(200);
      await response.text();
      const [row] = await api.db.sql`select status, error_code, content, prompt_tokens, completion_tokens from public.messages where id = ${id.id}`;
      return row!.status === 'streaming' ? null : row;
    };
    expect(await eventually(read)).toEqual({
      status: 'complete', error_code: null, content: 'one two three four five',
      prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens,
    });
    expect(await api.db.sql`select status, prompt_tokens, completion_tokens, tokens_estimated from public.prompt_usage_logs where message_id = ${id.id}`)
      .toEqual([{ status: 'success', prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, tokens_estimated: false }]);
  });
});
