// POST /api/import counts its rows against the owner's quotas once, as it commits
// (20261207140000_count_import_rows_at_commit.sql): while an import is being written, that
// person's chat turns go on; the quotas still hold for the whole request, whoever wrote in
// between. Each test holds an import open at a known point — a lock on a chat it resumes, taken
// by the test — and watches the lock table (pg_blocking_pids) rather than the clock. POST
// /api/import/prompts, written as the caller, defers its counts the same way (routes/import.ts).
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const message = (sender: 'user' | 'assistant', n: number) =>
  ({ sender, content: `message ${n}`, created_at: `2024-03-01T10:00:0${n}.000Z` });

/** Part `part` (1 or 2) of a four-message conversation, two messages a part. */
const partOf = (id: string, part: 1 | 2) => ({
  source: 'chatgpt', source_id: id, title: id, created_at: '2024-03-01T10:00:00.000Z', total: 4, offset: (part - 1) * 2,
  messages: part === 1 ? [message('user', 0), message('assistant', 1)] : [message('user', 2), message('assistant', 3)],
});

const whole = (id: string) => ({ ...partOf(id, 1), total: 2 });

async function importing(user: ApiUser, conversations: unknown[]) {
  const res = await user.request('POST', '/import', { conversations });
  return { status: res.status, body: await res.json() };
}

/** A chat turn's rows, as the API function's connection writes them (a new chat, or the next turn of `sessionId`). */
function turn(sql: Sql, ownerId: string, sessionId: string | null) {
  return sql`
    select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${sessionId ?? crypto.randomUUID()}::uuid, ${sessionId === null},
      null::uuid, 'title', '{}'::jsonb, gen_random_uuid(), true, 'question', 1, null::uuid, gen_random_uuid(), 'demo', 'demo-model', 60) as missing`;
}

/** What the account stores, and what its quota counters say it stores. */
async function stored(userId: string) {
  const [row] = await api.db.sql`
    select (select count(*)::int from public.chat_sessions where user_id = ${userId}) as chats,
           (select count(*)::int from public.messages where user_id = ${userId}) as messages,
           c.chat_sessions::int as counted_chats, c.messages::int as counted_messages
      from private.user_row_counts c where c.user_id = ${userId}`;
  return row;
}

/**
 * Starts `request` (an import) with the row of chat `heldSessionId` locked, so the import stops
 * when it writes there; returns once it waits there, with the held lock's connection, the
 * import's backend and a way to let it go on.
 */
async function importHeldAt(heldSessionId: string, request: () => Promise<unknown>) {
  const holder = postgres(api.db.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let holderPid!: number;
  const holding = new Promise<void>((held) => {
    void holder.begin(async (tx) => {
      [{ pid: holderPid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await tx`select id from public.chat_sessions where id = ${heldSessionId} for update`;
      held();
      await released;
    });
  });
  await holding;
  const response = request();
  const importPid = await blockedBy(holderPid);
  return {
    importPid,
    async finish() {
      release();
      const result = await response;
      await holder.end();
      return result;
    },
  };
}

/**
 * Runs `work` on a connection of its own while `importPid` is open: 'done' once it finished,
 * 'waited for the import' as soon as the lock table shows it waiting on that backend (it is left
 * waiting; the import's end lets it go on).
 */
async function runBeside(importPid: number, work: (sql: Sql) => Promise<unknown>) {
  const sql = postgres(api.db.url, { max: 1, onnotice: () => {} });
  const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  let outcome: 'done' | Error | undefined;
  const running = work(sql).then(() => { outcome = 'done'; }, (error: Error) => { outcome = error; });
  const seen = await waitFor(async () => {
    if (outcome) return outcome;
    const [{ waiting }] = await api.db.sql`select ${importPid} = any(pg_blocking_pids(${pid})) as waiting`;
    return waiting ? 'waited for the import' as const : undefined;
  });
  return { seen, done: async () => { await running; await sql.end(); } };
}

/** The backend that waits for `holderPid`'s locks, once one does. */
function blockedBy(holderPid: number): Promise<number> {
  return waitFor(async () => {
    const [waiting] = await api.db.sql<{ pid: number }[]>`select pid from pg_stat_activity where ${holderPid} = any(pg_blocking_pids(pid))`;
    return waiting?.pid;
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('POST /import counts its rows as it commits', () => {
  it("the owner's chat turns go on while an import is written, and every row is counted once", async () => {
    const alice = await api.createUser();
    const first = await importing(alice, [partOf('long', 1)]);
    expect(first.status).toBe(200);
    const resumed = first.body.results[0].session_id as string;
    const [other] = await api.db.sql`insert into public.chat_sessions (user_id, title) values (${alice.id}, 'Other') returning id`;

    // A new chat is written, then the import stops at the next part of 'long'.
    const held = await importHeldAt(resumed, () => importing(alice, [whole('new'), partOf('long', 2)]));
    const newChat = await runBeside(held.importPid, (sql) => turn(sql, alice.id, null));
    const nextTurn = await runBeside(held.importPid, (sql) => turn(sql, alice.id, other!.id));
    const result = await held.finish();
    await newChat.done();
    await nextTurn.done();

    expect([newChat.seen, nextTurn.seen]).toEqual(['done', 'done']);
    expect(result).toMatchObject({ status: 200, body: { results: [{ status: 'imported', messages: 2 }, { status: 'imported', messages: 2 }] } });
    // 'long' (4), 'new' (2), 'Other' and the new chat (2 each).
    expect(await stored(alice.id)).toEqual({ chats: 4, messages: 10, counted_chats: 4, counted_messages: 10 });
    expect(await api.db.sql`select * from private.deferred_row_counts`).toEqual([]);
  });

  it('turns written during an import that take the room left refuse the whole import as it commits (409 limit_reached)', async () => {
    const bob = await api.createUser();
    const first = await importing(bob, [partOf('long', 1)]);
    const resumed = first.body.results[0].session_id as string;
    // As if the account held 49,998 chats: room for the import's new chat, or for two turns' new chats.
    await api.db.sql`update private.user_row_counts set chat_sessions = 49998 where user_id = ${bob.id}`;

    const held = await importHeldAt(resumed, () => importing(bob, [whole('new'), partOf('long', 2)]));
    const turns = [await runBeside(held.importPid, (sql) => turn(sql, bob.id, null)), await runBeside(held.importPid, (sql) => turn(sql, bob.id, null))];
    const result = await held.finish();
    for (const t of turns) await t.done();

    expect(turns.map((t) => t.seen)).toEqual(['done', 'done']);
    expect(result).toEqual({ status: 409, body: { error: { code: 'limit_reached', message: 'There can be at most 50,000 chat sessions per account; delete some before adding more' } } });
    // Nothing of the import: 'long' as its first part left it, and the turns' two chats.
    expect(await stored(bob.id)).toEqual({ chats: 3, messages: 6, counted_chats: 50000, counted_messages: 6 });
    const [ledger] = await api.db.sql`select imported_messages from private.chat_imports where user_id = ${bob.id}`;
    expect(ledger).toEqual({ imported_messages: 2 });
  });
});

/**
 * Starts a prompt import that stops at its item named `name` (inserted, uncommitted and past
 * every trigger, by a transaction of the test's: the import's insert waits on prompts_user_id_name_key);
 * returns once it waits there. `finish` rolls that transaction back, so the import goes on.
 */
async function promptImportHeldAt(user: ApiUser, name: string, prompts: unknown[]) {
  const holder = postgres(api.db.url, { max: 1, onnotice: () => {} });
  const tx = await holder.reserve();
  const [{ pid: holderPid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
  await tx`begin`;
  await tx`set local session_replication_role = replica`;
  await tx`insert into public.prompts (user_id, name, title, content) values (${user.id}, ${name}, 'Held', 'held')`;
  const response = user.request('POST', '/import/prompts', { prompts }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const importPid = await blockedBy(holderPid);
  return {
    importPid,
    async finish() {
      await tx`rollback`;
      tx.release();
      const result = await response;
      await holder.end();
      return result;
    },
  };
}

describe('POST /import/prompts counts its versions as it commits', () => {
  it("the owner's chat turns go on while a prompt import is written, and every row is counted once", async () => {
    const cid = await api.createUser();
    const held = await promptImportHeldAt(cid, 'second', [
      { title: 'First', content: 'one' },
      { name: 'second', title: 'Second', versions: [{ title: 'Second', content: 'v1' }, { title: 'Second', content: 'v2' }] },
    ]);
    // The first prompt (one version) is written; the import waits at the second.
    const newChat = await runBeside(held.importPid, (sql) => turn(sql, cid.id, null));
    const result = await held.finish();
    await newChat.done();

    expect(newChat.seen).toBe('done');
    expect(result).toMatchObject({ status: 200, body: { results: [{ status: 'imported', versions: 1 }, { status: 'imported', name: 'second', versions: 2 }] } });
    const [counted] = await api.db.sql`select chat_sessions::int, messages::int, prompt_versions::int from private.user_row_counts where user_id = ${cid.id}`;
    expect(counted).toEqual({ chat_sessions: 1, messages: 2, prompt_versions: 3 });
    expect(await api.db.sql`select * from private.deferred_row_counts`).toEqual([]);
  });

  it('a request that would pass the account\'s versions is refused whole as it commits (409 limit_reached), writing nothing', async () => {
    const dee = await api.createUser();
    await dee.request('POST', '/import/prompts', { prompts: [{ title: 'Kept', content: 'kept' }] });
    // As if the account held 99,999 versions: room for one more, and the request brings two.
    await api.db.sql`update private.user_row_counts set prompt_versions = 99999 where user_id = ${dee.id}`;
    const res = await dee.request('POST', '/import/prompts', { prompts: [{ title: 'A', content: 'a' }, { title: 'B', content: 'b' }] });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 409, body: { error: { code: 'limit_reached', message: 'There can be at most 100,000 prompt versions per account; delete some before adding more' } },
    });
    expect(await api.db.sql`select title from public.prompts where user_id = ${dee.id}`).toEqual([{ title: 'Kept' }]);
    const [counted] = await api.db.sql`select prompt_versions::int from private.user_row_counts where user_id = ${dee.id}`;
    expect(counted).toEqual({ prompt_versions: 99999 });
  });
});
