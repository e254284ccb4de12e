// The start of a chat turn: a new chat streams before its rows are committed (and says when
// they are), its own process can stop and re-attach to it meanwhile, a send in an existing
// session still waits for the session's lock, and the one-statement helpers stay out of the
// API roles' reach. The rows are held back with a table lock taken on another connection.
import type { ReservedSql } from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, onceStored, readSse, type ApiHarness, type SseEvent } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '1000' }, provider: { tokens: 20, tokenDelayMs: 5 } });
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => api.fakeProvider.setMode('ok'));

const demo = { provider: 'demo', model: 'demo-model' };

/** Blocks every new chat session from being written until the returned function commits. */
async function holdNewSessions(): Promise<() => Promise<void>> {
  const lock: ReservedSql = await api.db.sql.reserve();
  await lock`begin`;
  // EXCLUSIVE lets plain reads through and blocks inserts (ROW EXCLUSIVE).
  await lock`lock table public.chat_sessions in exclusive mode`;
  return async () => {
    await lock`commit`;
    lock.release();
  };
}

/** Resolves once the turn's rows statement waits for the lock. */
async function rowsWaitingForLock() {
  await eventually(async () => {
    const [row] = await api.db.sql`
      select 1 as waiting from pg_stat_activity
       where wait_event_type = 'Lock' and query like '%private.write_turn_rows%'`;
    return row ?? null;
  });
}

const sessionCount = async (userId: string) => (await api.db.sql`select count(*)::int as n from public.chat_sessions where user_id = ${userId}`)[0].n as number;

describe('a new chat', () => {
  it('streams before its rows are committed, then says `stored` (before done)', async () => {
    const alice = await api.createUser();
    const release = await holdNewSessions();
    try {
      const res = await alice.request('POST', '/chat', { ...demo, message: '/echo early bird words' });
      expect(res.status).toBe(200);
      const first = await readSse(res, (e) => e.event === 'delta');
      expect(first[0]).toMatchObject({ event: 'meta', data: { stored: false } });
      expect(first.some((e) => e.event === 'stored')).toBe(false);
      // The first token arrived while the chat does not exist yet.
      await rowsWaitingForLock();
      expect(await sessionCount(alice.id)).toBe(0);
    } finally {
      await release();
    }
  });

  it('ends with `stored` before `done`, and its rows are there once `stored` arrives', async () => {
    const alice = await api.createUser();
    const release = await holdNewSessions();
    const res = await alice.request('POST', '/chat', { ...demo, message: '/echo stored then done' });
    const events: SseEvent[] = [];
    const reading = readSse(res, (e) => {
      events.push(e);
      return e.event === 'stored';
    });
    await rowsWaitingForLock();
    expect(events.some((e) => e.event === 'stored')).toBe(false);
    await release();
    await reading;
    const meta = events[0].data as { session_id: string; assistant_message_id: string };
    expect(await sessionCount(alice.id)).toBe(1);
    const [answer] = await api.db.sql`select status from public.messages where id = ${meta.assistant_message_id}`;
    expect(answer.status).toMatch(/^(streaming|complete)$/);

    const whole = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo a second new chat' }));
    const names = whole.map((e) => e.event);
    expect(names[0]).toBe('meta');
    expect(names.indexOf('stored')).toBeGreaterThan(0);
    expect(names.indexOf('stored')).toBeLessThan(names.indexOf('done'));
    expect(whole.find((e) => e.event === 'stored')!.data).toEqual({ session_id: (whole[0].data as { session_id: string }).session_id });
  });

  it('can be stopped and re-attached to before its rows are committed', async () => {
    const alice = await api.createUser();
    const unpause = api.fakeProvider.pauseAfterFirstToken();
    const release = await holdNewSessions();
    let stopping: Promise<Response> | null = null;
    try {
      const res = await alice.request('POST', '/chat', { ...demo, message: '/echo stop me early please' });
      const first = await readSse(res, (e) => e.event === 'delta');
      const id = (first[0].data as { assistant_message_id: string }).assistant_message_id;
      await rowsWaitingForLock();
      // Re-attach: the running turn from the start, without a row to read.
      const again = await readSse(await alice.request('GET', `/chat/${id}/stream`), (e) => e.event === 'delta');
      expect(again[0]).toMatchObject({ event: 'meta', data: { assistant_message_id: id, status: 'streaming' } });
      expect(again.find((e) => e.event === 'delta')!.data).toMatchObject({ seq: 1 });
      // Another user cannot reach it.
      const bob = await api.createUser();
      expect((await bob.request('POST', `/chat/${id}/stop`)).status).toBe(404);
      stopping = alice.request('POST', `/chat/${id}/stop`);
      await eventually(async () => api.fakeProvider.requests.at(-1)?.aborted === true);
    } finally {
      await release();
      unpause();
    }
    const stop = await stopping!;
    const body = await stop.json();
    expect(body.status).toBe('stopped');
    const [answer] = await api.db.sql`select status, error_code from public.messages where id = ${body.assistant_message_id}`;
    expect(answer).toEqual({ status: 'stopped', error_code: 'stopped_by_user' });
  });
  it('ends with an error, stops the provider call and stores nothing when its rows cannot be written', async () => {
    const alice = await api.createUser();
    const unpause = api.fakeProvider.pauseAfterFirstToken();
    const release = await holdNewSessions();
    let events: SseEvent[] = [];
    try {
      const res = await alice.request('POST', '/chat', { ...demo, message: '/echo rows that never land' });
      expect(res.status).toBe(200);
      const reading = readSse(res);
      await rowsWaitingForLock();
      // The database gives up on the statement (a restart, a failover, a statement timeout).
      await api.db.sql`
        select pg_cancel_backend(pid) from pg_stat_activity
         where wait_event_type = 'Lock' and query like '%private.write_turn_rows%'`;
      events = await reading;
    } finally {
      await release();
      unpause();
    }
    expect(events.some((e) => e.event === 'stored')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'not_started' } });
    // Says what a person needs to know: nothing was kept, send it again.
    expect((events.at(-1)!.data as { message: string }).message).toMatch(/not saved.*send it again/i);
    await eventually(async () => api.fakeProvider.requests.at(-1)?.aborted === true);
    expect(await sessionCount(alice.id)).toBe(0);
  });

  it('past the chats allowed ends with limit_reached, not "send it again", and stores nothing', async () => {
    const carl = await api.createUser();
    // The owner's counter as if 50,000 chats were stored (20261207000000's private.user_row_counts).
    await api.db.sql`
      insert into private.user_row_counts (user_id, chat_sessions) values (${carl.id}, 50000)
      on conflict (user_id) do update set chat_sessions = 50000`;
    const res = await carl.request('POST', '/chat', { ...demo, message: '/echo one chat too many' });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.some((e) => e.event === 'stored')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'limit_reached' } });
    const message = (events.at(-1)!.data as { message: string }).message;
    expect(message).toMatch(/not saved.*at most 50,000 chat sessions per account/i);
    expect(message).not.toMatch(/send it again/i);
    expect(await sessionCount(carl.id)).toBe(0);
    // The call that had started is logged for its payer all the same.
    await eventually(async () => {
      const [row] = await api.db.sql`select error_code from public.prompt_usage_logs where user_id = ${carl.id}`;
      return row?.error_code === 'limit_reached' ? row : null;
    });
  });
});

describe('the rows and the provider', () => {
  // The rows wait for the provider's answer to the request (chat.ts PROVIDER_ANSWER_WAIT_MS);
  // one that never answers holds them back no longer than that.
  it('are written when the provider never answers the request, and Stop ends the turn', async () => {
    const alice = await api.createUser();
    api.fakeProvider.setMode('hang');
    const hung = await alice.request('POST', '/chat', { ...demo, message: 'nobody answers' });
    expect(hung.status).toBe(200);
    const [meta] = await readSse(hung, (e) => e.event === 'meta');
    const sessionId = String(meta!.data.session_id);
    await eventually(async () => ((await api.db.sql`select 1 from public.messages where session_id = ${sessionId} and sender = 'assistant' and status = 'streaming'`).length ? true : null));
    const stop = await alice.request('POST', `/chat/${String(meta!.data.assistant_message_id)}/stop`);
    expect(stop.status).toBe(200);
    await eventually(async () => ((await api.db.sql`select 1 from public.messages where session_id = ${sessionId} and sender = 'assistant' and status = 'stopped'`).length ? true : null));
  });
});

describe('an existing session', () => {
  it("waits for the session's lock before it streams: a lost race is still 409 turn_running", async () => {
    const alice = await api.createUser();
    const first = await readSse(await alice.request('POST', '/chat', { ...demo, message: '/echo hello' }));
    const sessionId = (first[0].data as { session_id: string }).session_id;
    const lock = await api.db.sql.reserve();
    await lock`begin`;
    await lock`lock table private.chat_turns in exclusive mode`;
    let answered = false;
    const sending = alice.request('POST', '/chat', { ...demo, session_id: sessionId, message: '/echo again' }).then((res) => {
      answered = true;
      return res;
    });
    try {
      await eventually(async () => {
        const [row] = await api.db.sql`
          select 1 as waiting from pg_stat_activity where wait_event_type = 'Lock' and query like '%private.write_turn_rows%'`;
        return row ?? null;
      });
      expect(answered).toBe(false);
    } finally {
      await lock`commit`;
      lock.release();
    }
    const res = await sending;
    expect(res.status).toBe(200);
    const events = await readSse(res, onceStored(() => true));
    expect(events[0]).toMatchObject({ event: 'meta', data: { session_id: sessionId } });
    expect((events[0].data as { stored?: boolean }).stored).toBeUndefined();
  });
});

describe('the start-of-turn helpers', () => {
  it('are out of reach of the API roles', async () => {
    for (const role of ['authenticated', 'anon', 'service_role']) {
      const error = await api.db.sql
        .begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx`select private.write_turn_rows(gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), true, null, 't', '{}'::jsonb,
                   gen_random_uuid(), true, 'q', 1, null, gen_random_uuid(), 'demo', 'demo-model', 60)`;
        })
        .catch((e: { code?: string }) => e);
      expect((error as { code?: string }).code).toBe('42501');
    }
  });
});
