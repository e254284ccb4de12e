// A chat's messages are counted by a counter (20261207200000_count_chat_messages.sql), kept by
// the statement triggers that keep the owner's counters: every insert adds, every delete (a
// branch, a thread, a whole chat) takes off, and the 100,000-a-chat quota reads the count
// instead of counting the chat's messages on every insert.
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const as = <T>(user: AuthUser, fn: Parameters<typeof asActor<T>>[2]) => asActor(db.sql, user, fn);

/** What the chat's counter says it holds (null: no row). */
async function counted(sql: Sql, sessionId: string): Promise<number | null> {
  const [row] = await sql<{ messages: number }[]>`select messages::int from private.chat_message_counts where session_id = ${sessionId}`;
  return row?.messages ?? null;
}

async function newChat(user: AuthUser): Promise<string> {
  const [row] = await as(user, (tx) => tx`insert into public.chat_sessions (user_id) values (${user.id}) returning id`);
  return row!.id as string;
}

/** A turn's rows as the API function's connection writes them: a new chat's first, or the next of `sessionId`. */
async function turn(sql: Sql, ownerId: string, sessionId: string, isNew: boolean) {
  await sql`
    select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, ${sessionId}::uuid, ${isNew}, null::uuid, 'title', '{}'::jsonb,
      gen_random_uuid(), true, 'question', 1, null::uuid, gen_random_uuid(), 'demo', 'demo-model', 60)`;
  // Its answer, finished (a chat streams one answer at a time).
  await sql`update public.messages set status = 'complete', content = 'answer' where session_id = ${sessionId} and status = 'streaming'`;
  await sql`delete from private.chat_turns where session_id = ${sessionId}`;
}

describe("a chat's counter", () => {
  it('counts what is written and deleted: turns, a thread going with its first message, the whole chat', async () => {
    const ann = await createAuthUser(db.sql);
    const chat = crypto.randomUUID();
    await turn(db.sql, ann.id, chat, true);
    expect(await counted(db.sql, chat)).toBe(2);
    await turn(db.sql, ann.id, chat, false);
    expect(await counted(db.sql, chat)).toBe(4);

    const other = await newChat(ann);
    expect(await counted(db.sql, other)).toBeNull();
    await db.sql`insert into public.messages (session_id, user_id, sender, content) select ${other}, ${ann.id}, 'user', 'm' || g from generate_series(1, 500) g`;
    expect(await counted(db.sql, other)).toBe(500);
    expect(await counted(db.sql, chat)).toBe(4);

    // The second turn (question and answer) as an edit or a regeneration replaces it.
    const [second] = await db.sql`select id from public.messages where session_id = ${chat} and sender = 'user' order by created_at desc, id desc limit 1`;
    await as(ann, (tx) => tx`delete from public.messages where id = ${second!.id}`);
    expect(await counted(db.sql, chat)).toBe(2);
    // The first message, and every reply with it (messages_parent_in_session_fkey cascades).
    await as(ann, (tx) => tx`delete from public.messages where session_id = ${other} and parent_id is null`);
    expect(await counted(db.sql, other)).toBe(0);

    await as(ann, (tx) => tx`delete from public.chat_sessions where id in (${chat}, ${other})`);
    expect(await db.sql`select session_id from private.chat_message_counts where session_id in (${chat}, ${other})`).toEqual([]);
    expect(await db.sql`select messages::int from private.user_row_counts where user_id = ${ann.id}`).toEqual([{ messages: 0 }]);
  });

  it('refuses the 100,001st message of a chat, whoever writes it; the owner\'s other chats go on', async () => {
    const bo = await createAuthUser(db.sql);
    const [long, other] = [await newChat(bo), await newChat(bo)];
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${long}, ${bo.id}, 'user', 'first')`;
    // As if the chat held 99,999 messages: the counter is what the quota reads.
    await db.sql`update private.chat_message_counts set messages = 99999 where session_id = ${long}`;
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, content) values (${long}, ${bo.id}, 'user', 'a'), (${long}, ${bo.id}, 'user', 'b')`)
      .rejects.toMatchObject({ code: '54000', message: 'messages limit reached: at most 100000 rows per session_id' });
    await expect(turn(db.sql, bo.id, long, false)).rejects.toThrow(/^messages limit reached: at most 100000 rows per session_id$/);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${long}, ${bo.id}, 'user', 'the last one')`;
    expect(await counted(db.sql, long)).toBe(100000);
    await turn(db.sql, bo.id, other, false);
    expect(await counted(db.sql, other)).toBe(2);
  });

  it('orders a chat\'s concurrent writers: parallel inserts cannot overshoot', async () => {
    const cy = await createAuthUser(db.sql);
    const chat = await newChat(cy);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${cy.id}, 'user', 'first')`;
    await db.sql`update private.chat_message_counts set messages = 99990 where session_id = ${chat}`;
    const writers = Array.from({ length: 4 }, () => postgres(db.url, { max: 1, onnotice: () => {} }));
    try {
      const tries = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
        writers[i % 4]!`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${cy.id}, 'user', ${`m${i}`})`));
      expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(10);
    } finally {
      await Promise.all(writers.map((w) => w.end()));
    }
    expect(await counted(db.sql, chat)).toBe(100000);
  });

  it('follows a message the service role moves to another chat', async () => {
    const di = await createAuthUser(db.sql);
    const [from, to] = [await newChat(di), await newChat(di)];
    const [moved] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${from}, ${di.id}, 'user', 'moving') returning id`;
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${to}, ${di.id}, 'user', 'here')`;
    await asActor(db.sql, 'service_role', async (tx) => {
      // The chat's shown branch may not end in another chat.
      await tx`update public.chat_sessions set active_leaf_id = null where id = ${from}`;
      return await tx`update public.messages set session_id = ${to} where id = ${moved!.id}`;
    });
    expect([await counted(db.sql, from), await counted(db.sql, to)]).toEqual([0, 2]);
  });

  it('is not readable or writable by the API roles, nor its function callable', async () => {
    const eve = await createAuthUser(db.sql);
    const chat = await newChat(eve);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${eve.id}, 'user', 'hi')`;
    for (const actor of [eve, 'anon', 'service_role'] as const) {
      await expect(asActor(db.sql, actor, (tx) => tx`select * from private.chat_message_counts`)).rejects.toThrow(/permission denied/);
      await expect(asActor(db.sql, actor, (tx) => tx`update private.chat_message_counts set messages = 0 where session_id = ${chat}`)).rejects.toThrow(/permission denied/);
      await expect(asActor(db.sql, actor, (tx) => tx`insert into private.chat_message_counts values (gen_random_uuid(), 0)`)).rejects.toThrow(/permission denied/);
      await expect(asActor(db.sql, actor, (tx) => tx`delete from private.chat_message_counts`)).rejects.toThrow(/permission denied/);
      await expect(asActor(db.sql, actor, (tx) => tx`select private.count_chat_messages(${chat}, -1)`)).rejects.toThrow(/permission denied/);
    }
    expect(await counted(db.sql, chat)).toBe(1);
    const [table] = await db.sql`
      select c.relrowsecurity as rls, c.relreplident as replica_identity,
             exists (select 1 from pg_publication_rel p where p.prrelid = c.oid) as published
        from pg_class c where c.oid = 'private.chat_message_counts'::regclass`;
    expect(table).toEqual({ rls: true, replica_identity: 'd', published: false });
  });

  it('starts from what a deployment already stores', { timeout: 180_000 }, async () => {
    const before = await createTestDatabaseBefore('20261207200000');
    try {
      const fin = await createAuthUser(before.sql);
      const [a, b, empty] = await before.sql`insert into public.chat_sessions (user_id) select ${fin.id} from generate_series(1, 3) returning id`;
      await before.sql`insert into public.messages (session_id, user_id, sender, content) select ${a!.id}, ${fin.id}, 'user', 'm' || g from generate_series(1, 7) g`;
      await before.sql`insert into public.messages (session_id, user_id, sender, content) values (${b!.id}, ${fin.id}, 'user', 'one')`;

      await before.applyRest();
      expect([await counted(before.sql, a!.id), await counted(before.sql, b!.id), await counted(before.sql, empty!.id)]).toEqual([7, 1, null]);
      await before.sql`insert into public.messages (session_id, user_id, sender, content) values (${a!.id}, ${fin.id}, 'user', 'eight')`;
      expect(await counted(before.sql, a!.id)).toBe(8);
    } finally {
      await before.drop();
    }
  });
});

/** Resolves once backend `pid` waits for a lock, or `done()` says its work ended. Polls. */
async function untilWaitingOrDone(pid: number, done: () => boolean): Promise<void> {
  while (!done()) {
    const [row] = await db.sql`select wait_event_type from pg_stat_activity where pid = ${pid}`;
    if (row?.wait_event_type === 'Lock') return;
    await db.sql`select pg_sleep(0.01)`;
  }
}

describe("a chat's counter and an import resuming the chat", () => {
  it("a deletion in the chat while the import writes into it: both commit, each counted once (no 40P01)", async () => {
    const gil = await createAuthUser(db.sql);
    const chat = await newChat(gil);
    // A question with two answers (a regeneration's branches): the import resumes after one, the owner deletes the other.
    const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${gil.id}, 'user', 'question') returning id`;
    const [kept, dropped] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id) select ${chat}, ${gil.id}, 'assistant', 'answer ' || g, ${question!.id} from generate_series(1, 2) g returning id`;
    // The chat shows the kept one (a deletion of the shown leaf would update the chat's row).
    await db.sql`update public.chat_sessions set active_leaf_id = ${kept!.id} where id = ${chat}`;
    const importing = postgres(db.url, { max: 1, onnotice: () => {} });
    const deleting = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [[{ pid: importPid }], [{ pid: deletePid }]] = await Promise.all([importing`select pg_backend_pid() as pid`, deleting`select pg_backend_pid() as pid`]);
      // The import (lib/import/write-import.ts) defers its owner's counts, then resumes the chat.
      await importing`begin`;
      await importing`select private.defer_row_counts(${gil.id})`;
      await importing`insert into public.messages (session_id, user_id, sender, content, parent_id) values (${chat}, ${gil.id}, 'user', 'resumed', ${kept!.id})`;

      // The owner deletes one of the chat's messages meanwhile, in a transaction kept open.
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      let deleted = false;
      const deletion = asActor(deleting, gil, async (tx) => {
        await tx`delete from public.messages where id = ${dropped!.id}`;
        deleted = true;
        await held;
      }).then(() => 'committed', (e: { code?: string }) => e.code ?? String(e));
      await untilWaitingOrDone(deletePid, () => deleted);

      // The import commits (its counts go to the counters now) while the deletion is open.
      let importEnded = false;
      const commit = importing`commit`.then(() => 'committed', (e: { code?: string }) => e.code ?? String(e)).finally(() => { importEnded = true; });
      await untilWaitingOrDone(importPid, () => importEnded);
      release();
      expect([await commit, await deletion]).toEqual(['committed', 'committed']);
    } finally {
      await importing.end();
      await deleting.end();
    }
    expect(await counted(db.sql, chat)).toBe(3);
    expect(await db.sql`select messages::int from private.user_row_counts where user_id = ${gil.id}`).toEqual([{ messages: 3 }]);
  });

  it("counts the import's messages in the chat as it commits, and refuses the commit past the chat's quota", async () => {
    const hal = await createAuthUser(db.sql);
    const chat = await newChat(hal);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${hal.id}, 'user', 'first')`;
    await db.sql`update private.chat_message_counts set messages = 99998 where session_id = ${chat}`;
    const write = (n: number) => db.sql.begin(async (tx) => {
      await tx`select private.defer_row_counts(${hal.id})`;
      await tx`insert into public.messages (session_id, user_id, sender, content) select ${chat}, ${hal.id}, 'user', 'm' || g from generate_series(1, ${n}) g`;
      // Not counted before the commit.
      expect(await tx`select messages::int from private.chat_message_counts where session_id = ${chat}`).toEqual([{ messages: 99998 }]);
    });
    await expect(write(3)).rejects.toMatchObject({ code: '54000', message: 'messages limit reached: at most 100000 rows per session_id' });
    expect(await counted(db.sql, chat)).toBe(99998);
    await write(2);
    expect(await counted(db.sql, chat)).toBe(100000);
    expect(await db.sql`select * from private.deferred_chat_message_counts`).toEqual([]);
  });
});
