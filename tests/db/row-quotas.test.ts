// Row quotas hold whoever writes (20261207000000_enforce_row_quotas_for_every_writer.sql): the
// Data API as the user, a definer RPC, and the API function's privileged connection — chat
// turns (private.write_turn_rows) and imports — are all counted by the rows' owner. Chats and
// messages per user, and messages per chat (tests/db/chat-message-counts.test.ts), are counters
// kept by statement triggers; a prompt's versions are bounded by their numbers.
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const as = <T>(user: AuthUser, fn: Parameters<typeof asActor<T>>[2]) => asActor(db.sql, user, fn);

async function counts(sql: Sql, userId: string) {
  const [row] = await sql`select chat_sessions::int, messages::int, prompt_versions::int from private.user_row_counts where user_id = ${userId}`;
  return row ?? null;
}

/** A new chat's first turn, as the API function's connection writes it. */
async function newChatTurn(sql: Sql, ownerId: string) {
  return await sql`
    select private.write_turn_rows(${ownerId}::uuid, ${ownerId}::uuid, gen_random_uuid(), true, null::uuid, 'title', '{}'::jsonb,
      gen_random_uuid(), true, 'question', 1, null::uuid, gen_random_uuid(), 'demo', 'demo-model', 60) as missing`;
}

describe('chats: 50,000 per user, whoever writes them', () => {
  it('the function connection, a new chat\'s turn and the Data API are all refused at the quota; deleting one makes room', async () => {
    const dave = await createAuthUser(db.sql);
    await db.sql`insert into public.chat_sessions (user_id) select ${dave.id} from generate_series(1, 50000)`;
    expect(await counts(db.sql, dave.id)).toMatchObject({ chat_sessions: 50000 });

    await expect(db.sql`insert into public.chat_sessions (user_id) values (${dave.id})`).rejects.toThrow(/^chat_sessions limit reached: at most 50000 rows per user_id$/);
    await expect(newChatTurn(db.sql, dave.id)).rejects.toMatchObject({ code: '54000', message: 'chat_sessions limit reached: at most 50000 rows per user_id' });
    await expect(as(dave, (tx) => tx`insert into public.chat_sessions (user_id) values (${dave.id})`)).rejects.toThrow(/chat_sessions limit reached/);
    expect(await db.sql`select count(*)::int as n from public.chat_sessions where user_id = ${dave.id}`).toEqual([{ n: 50000 }]);

    await as(dave, (tx) => tx`delete from public.chat_sessions where id = (select id from public.chat_sessions where user_id = ${dave.id} limit 1)`);
    expect(await counts(db.sql, dave.id)).toMatchObject({ chat_sessions: 49999 });
    expect(await newChatTurn(db.sql, dave.id)).toEqual([{ missing: null }]);
    await expect(newChatTurn(db.sql, dave.id)).rejects.toThrow(/chat_sessions limit reached/);
  });

  it('parallel inserts cannot overshoot (the counter row orders them)', async () => {
    const erin = await createAuthUser(db.sql);
    await db.sql`insert into public.chat_sessions (user_id) select ${erin.id} from generate_series(1, 49990)`;
    const tries = await Promise.allSettled(Array.from({ length: 20 }, () => db.sql`insert into public.chat_sessions (user_id) values (${erin.id})`));
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(10);
    expect(await db.sql`select count(*)::int as n from public.chat_sessions where user_id = ${erin.id}`).toEqual([{ n: 50000 }]);
  });
});

describe('messages: 1,000,000 per user, 100,000 per chat', () => {
  it('are counted as they are written and deleted, one chat or a whole account at a time', async () => {
    const fay = await createAuthUser(db.sql);
    const [chat] = await newSessions(fay, 2);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) select ${chat}, ${fay.id}, 'user', 'm' || g from generate_series(1, 1000) g`;
    expect(await counts(db.sql, fay.id)).toEqual({ chat_sessions: 2, messages: 1000, prompt_versions: 0 });
    // A message's replies go with it (messages_parent_in_session_fkey cascades): here the whole thread.
    const [first] = await db.sql`select id from public.messages where session_id = ${chat} and parent_id is null`;
    const [, last] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${fay.id}, 'user', 'later'), (${chat}, ${fay.id}, 'user', 'last') returning id`;
    await as(fay, (tx) => tx`delete from public.messages where id = ${last!.id}`);
    expect(await counts(db.sql, fay.id)).toMatchObject({ messages: 1001 });
    await as(fay, (tx) => tx`delete from public.messages where id = ${first!.id}`);
    expect(await counts(db.sql, fay.id)).toMatchObject({ messages: 0 });
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${fay.id}, 'user', 'again')`;
    await as(fay, (tx) => tx`delete from public.chat_sessions where id = ${chat}`);
    expect(await counts(db.sql, fay.id)).toEqual({ chat_sessions: 1, messages: 0, prompt_versions: 0 });
  });

  it('past 1,000,000 of the owner\'s a chat turn is refused, in any of their chats', async () => {
    const gus = await createAuthUser(db.sql);
    const [chat] = await newSessions(gus, 1);
    await db.sql`update private.user_row_counts set messages = 999999 where user_id = ${gus.id}`;
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${gus.id}, 'user', 'the last one')`;
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${gus.id}, 'user', 'one more')`)
      .rejects.toMatchObject({ code: '54000', message: 'messages limit reached: at most 1000000 rows per user_id' });
    await expect(newChatTurn(db.sql, gus.id)).rejects.toThrow(/^messages limit reached: at most 1000000 rows per user_id$/);
    expect(await counts(db.sql, gus.id)).toMatchObject({ chat_sessions: 1, messages: 1000000 });
  });

  it('past 100,000 in one chat the next is refused; the owner\'s other chats go on', async () => {
    const hal = await createAuthUser(db.sql);
    const [long, other] = await newSessions(hal, 2);
    // As if the chat held 100,000 (the chat's counter is what the quota reads, 20261207200000).
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${long}, ${hal.id}, 'user', 'first')`;
    await db.sql`update private.chat_message_counts set messages = 100000 where session_id = ${long}`;
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, content) values (${long}, ${hal.id}, 'user', 'one more')`)
      .rejects.toMatchObject({ code: '54000', message: 'messages limit reached: at most 100000 rows per session_id' });
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${other}, ${hal.id}, 'user', 'fine')`;
  });

  it('private.check_row_room tells beforehand whether rows would fit, without writing', async () => {
    const ida = await createAuthUser(db.sql);
    await newSessions(ida, 1);
    await db.sql`update private.user_row_counts set messages = 999990 where user_id = ${ida.id}`;
    await db.sql`select private.check_row_room(${ida.id}, 'messages', 10), private.check_row_room(${ida.id}, 'messages_per_chat', 100000)`;
    await expect(db.sql`select private.check_row_room(${ida.id}, 'messages', 11)`).rejects.toThrow(/^messages limit reached: at most 1000000 rows per user_id$/);
    await expect(db.sql`select private.check_row_room(${ida.id}, 'messages_per_chat', 100001)`).rejects.toThrow(/^messages limit reached: at most 100000 rows per session_id$/);
    await expect(db.sql`select private.check_row_room(${ida.id}, 'chat_sessions', 50000)`).rejects.toThrow(/chat_sessions limit reached/);
    // Not for the API roles.
    await expect(as(ida, (tx) => tx`select private.check_row_room(${ida.id}, 'messages', 1)`)).rejects.toThrow(/permission denied/);
  });
});

describe('prompt versions: 10,000 per prompt, 100,000 per user', () => {
  it('a Data API text change past a prompt\'s 10,000th version is refused, and so is one by the owner connection', async () => {
    const jo = await createAuthUser(db.sql);
    const [p] = await as(jo, (tx) => tx`insert into public.prompts (user_id, title, content) values (${jo.id}, 'Long-lived', 'v1') returning id`);
    // Its history as if edited 9,999 times (the version numbers are what the quota reads).
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update public.prompts set latest_version = 10000 where id = ${p!.id}`;
    });
    await expect(as(jo, (tx) => tx`update public.prompts set content = 'v10001' where id = ${p!.id}`))
      .rejects.toMatchObject({ code: '54000', message: 'prompt_versions limit reached: at most 10000 rows per prompt_id', hint: 'Save the text as a new prompt.' });
    await expect(db.sql`update public.prompts set content = 'v10001' where id = ${p!.id}`).rejects.toThrow(/prompt_versions limit reached/);
    const [after] = await db.sql`select content, latest_version from public.prompts where id = ${p!.id}`;
    expect(after).toEqual({ content: 'v1', latest_version: 10000 });
    // A change that is not to the text stores no version and goes through.
    await as(jo, (tx) => tx`update public.prompts set description = 'still usable' where id = ${p!.id}`);
  });

  it('are counted for the prompt\'s owner, and given back when the prompt is deleted', async () => {
    const kim = await createAuthUser(db.sql);
    const [p] = await as(kim, (tx) => tx`insert into public.prompts (user_id, title, content) values (${kim.id}, 'T', 'v1') returning id`);
    for (const text of ['v2', 'v3']) await as(kim, (tx) => tx`update public.prompts set content = ${text} where id = ${p!.id}`);
    expect(await counts(db.sql, kim.id)).toMatchObject({ prompt_versions: 3 });

    await db.sql`update private.user_row_counts set prompt_versions = 100000 where user_id = ${kim.id}`;
    await expect(as(kim, (tx) => tx`update public.prompts set content = 'v4' where id = ${p!.id}`))
      .rejects.toThrow(/^prompt_versions limit reached: at most 100000 rows per user_id$/);
    await expect(as(kim, (tx) => tx`insert into public.prompts (user_id, title, content) values (${kim.id}, 'New', 'x')`))
      .rejects.toThrow(/prompt_versions limit reached/);
    await as(kim, (tx) => tx`delete from public.prompts where id = ${p!.id}`);
    expect(await counts(db.sql, kim.id)).toMatchObject({ prompt_versions: 99997 });
    await as(kim, (tx) => tx`insert into public.prompts (user_id, title, content) values (${kim.id}, 'New', 'x')`);
  });
});

describe("an import's counts, at its end (private.defer_row_counts)", () => {
  it('rows written after deferring are counted as the transaction commits, all at once, and refused whole past a quota', async () => {
    const pat = await createAuthUser(db.sql);
    await newSessions(pat, 1);
    await db.sql`update private.user_row_counts set chat_sessions = 49997 where user_id = ${pat.id}`;
    const a = postgres(db.url, { max: 1 });
    const b = postgres(db.url, { max: 1 });
    try {
      // Two imports at once, each fitting alone: both write without waiting; the second to commit is refused.
      const [txA, txB] = [await a.reserve(), await b.reserve()];
      for (const tx of [txA, txB]) {
        await tx`begin`;
        await tx`select private.defer_row_counts(${pat.id})`;
        await tx`insert into public.chat_sessions (user_id) select ${pat.id} from generate_series(1, 2)`;
      }
      expect(await counts(db.sql, pat.id)).toMatchObject({ chat_sessions: 49997 });
      await txA`commit`;
      await expect(txB`commit`).rejects.toMatchObject({ code: '54000', message: 'chat_sessions limit reached: at most 50000 rows per user_id' });
      txA.release();
      txB.release();
    } finally {
      await a.end();
      await b.end();
    }
    expect(await counts(db.sql, pat.id)).toMatchObject({ chat_sessions: 49999 });
    expect(await db.sql`select count(*)::int as n from public.chat_sessions where user_id = ${pat.id}`).toEqual([{ n: 3 }]);
    expect(await db.sql`select * from private.deferred_row_counts`).toEqual([]);
  });

  it("a check beforehand counts what the transaction deferred", async () => {
    const oz = await createAuthUser(db.sql);
    await newSessions(oz, 1);
    await db.sql`update private.user_row_counts set chat_sessions = 49997 where user_id = ${oz.id}`;
    await expect(db.sql.begin(async (tx) => {
      await tx`select private.defer_row_counts(${oz.id})`;
      await tx`insert into public.chat_sessions (user_id) select ${oz.id} from generate_series(1, 2)`;
      await tx`select private.check_row_room(${oz.id}, 'chat_sessions', 1)`;
      await tx`select private.check_row_room(${oz.id}, 'chat_sessions', 2)`;
    })).rejects.toThrow(/^chat_sessions limit reached: at most 50000 rows per user_id$/);
    expect(await counts(db.sql, oz.id)).toMatchObject({ chat_sessions: 49997 });
  });

  it('ends with its transaction: the next one counts at once', async () => {
    const quinn = await createAuthUser(db.sql);
    await db.sql.begin(async (tx) => {
      await tx`select private.defer_row_counts(${quinn.id})`;
      await tx`insert into public.chat_sessions (user_id) values (${quinn.id})`;
    });
    expect(await counts(db.sql, quinn.id)).toMatchObject({ chat_sessions: 1 });
    await db.sql.begin(async (tx) => {
      await tx`insert into public.chat_sessions (user_id) values (${quinn.id})`;
      expect(await tx`select chat_sessions::int from private.user_row_counts where user_id = ${quinn.id}`).toEqual([{ chat_sessions: 2 }]);
    });
  });

  it('is not for the API roles: they may not defer, and the setting alone skips nothing', async () => {
    const rex = await createAuthUser(db.sql);
    await newSessions(rex, 1);
    await db.sql`update private.user_row_counts set chat_sessions = 50000 where user_id = ${rex.id}`;
    for (const actor of [rex, 'anon', 'service_role'] as const) {
      await expect(asActor(db.sql, actor, (tx) => tx`select private.defer_row_counts(${rex.id})`)).rejects.toThrow(/permission denied/);
      await expect(asActor(db.sql, actor, (tx) => tx`select * from private.deferred_row_counts`)).rejects.toThrow(/permission denied/);
    }
    await expect(as(rex, async (tx) => {
      await tx`select set_config('mrprompt.deferred_row_counts', ${rex.id}, true)`;
      return await tx`insert into public.chat_sessions (user_id) values (${rex.id})`;
    })).rejects.toThrow(/^chat_sessions limit reached/);
  });
});

describe('the counters', () => {
  it('go with the account, which can still be deleted whole', async () => {
    const lou = await createAuthUser(db.sql);
    const [chat] = await newSessions(lou, 1);
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${chat}, ${lou.id}, 'user', 'hi')`;
    await as(lou, (tx) => tx`insert into public.prompts (user_id, title, content) values (${lou.id}, 'T', 'x')`);
    expect(await counts(db.sql, lou.id)).toEqual({ chat_sessions: 1, messages: 1, prompt_versions: 1 });
    expect(await db.sql`select private.delete_account(${lou.id}) as done`).toEqual([{ done: true }]);
    expect(await counts(db.sql, lou.id)).toBeNull();
  });

  it('are not readable or writable by the API roles', async () => {
    const max = await createAuthUser(db.sql);
    await expect(as(max, (tx) => tx`select * from private.user_row_counts`)).rejects.toThrow(/permission denied/);
    await expect(as(max, (tx) => tx`update private.user_row_counts set chat_sessions = 0`)).rejects.toThrow(/permission denied/);
  });

  it('start from what a deployment already stores, over the quota included', { timeout: 180_000 }, async () => {
    const before = await createTestDatabaseBefore('20261207000000');
    try {
      const [ned, oli] = [await createAuthUser(before.sql), await createAuthUser(before.sql)];
      // Past the quota through an import, before this migration.
      await before.sql`insert into public.chat_sessions (user_id) select ${ned.id} from generate_series(1, 50003)`;
      const [chat] = await before.sql`select id from public.chat_sessions where user_id = ${ned.id} limit 1`;
      await before.sql`insert into public.messages (session_id, user_id, sender, content) select ${chat!.id}, ${ned.id}, 'user', 'm' || g from generate_series(1, 7) g`;
      const [p] = await before.sql`insert into public.prompts (user_id, title, content) values (${oli.id}, 'T', 'v1') returning id`;
      await before.sql`update public.prompts set content = 'v2' where id = ${p!.id}`;

      await before.applyRest();
      expect(await counts(before.sql, ned.id)).toEqual({ chat_sessions: 50003, messages: 7, prompt_versions: 0 });
      expect(await counts(before.sql, oli.id)).toEqual({ chat_sessions: 0, messages: 0, prompt_versions: 2 });
      await expect(newChatTurn(before.sql, ned.id)).rejects.toThrow(/chat_sessions limit reached/);
    } finally {
      await before.drop();
    }
  });
});

async function newSessions(user: AuthUser, n: number): Promise<string[]> {
  const rows = await as(user, (tx) => tx`insert into public.chat_sessions (user_id) select ${user.id} from generate_series(1, ${n}) returning id`);
  return rows.map((r) => r.id as string);
}
