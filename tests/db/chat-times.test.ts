// Chats and messages are never dated in the future, whoever writes them
// (20261207110000_refuse_future_chat_times.sql): the owner connection (POST /import's writer)
// and the service role are refused past 5 minutes of clock skew; a user's own token on the Data
// API cannot write messages at all and gets its chat times stamped now; and chats imported in
// the future before the migration are brought back, in their order, below new chats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

const FUTURE = '2099-01-01T00:00:00Z';
const FUTURE_TIME = /may not be in the future/;

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function chatOf(user: AuthUser) {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'Chat') returning id`;
  return session.id as string;
}

describe('times in the future', () => {
  it.each(['owner connection', 'service_role'] as const)('the %s may not date a chat or a message after now', async (who) => {
    const alice = await createAuthUser(db.sql);
    const sessionId = await chatOf(alice);
    const write = <T>(fn: (tx: typeof db.sql) => Promise<T>) =>
      who === 'service_role' ? asActor(db.sql, 'service_role', (tx) => fn(tx as unknown as typeof db.sql)) : fn(db.sql);

    await expect(write((tx) => tx`insert into public.chat_sessions (user_id, created_at) values (${alice.id}, ${FUTURE})`)).rejects.toThrow(FUTURE_TIME);
    await expect(write((tx) => tx`insert into public.chat_sessions (user_id, last_message_at) values (${alice.id}, ${FUTURE})`)).rejects.toThrow(FUTURE_TIME);
    await expect(write((tx) => tx`update public.chat_sessions set last_message_at = ${FUTURE} where id = ${sessionId}`)).rejects.toThrow(FUTURE_TIME);
    await expect(write((tx) => tx`insert into public.messages (session_id, user_id, sender, content, created_at)
      values (${sessionId}, ${alice.id}, 'user', 'From the future', ${FUTURE})`)).rejects.toThrow(FUTURE_TIME);
    const error = await write((tx) => tx`insert into public.messages (session_id, user_id, sender, content, created_at)
      values (${sessionId}, ${alice.id}, 'user', 'x', ${FUTURE})`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MRT01', message: expect.stringMatching(/^messages\.created_at may not be in the future: 2099-01-01 /) });

    // A clock a minute ahead (the API function's, which dates imported rows) passes; so does the past.
    const [message] = await write((tx) => tx`insert into public.messages (session_id, user_id, sender, content, created_at)
      values (${sessionId}, ${alice.id}, 'user', 'A minute ahead', now() + interval '1 minute'), (${sessionId}, ${alice.id}, 'user', 'Old', '2001-01-01T00:00:00Z')
      returning id`);
    expect(message).toBeDefined();
    const [session] = await db.sql`select last_message_at > now() as ahead from public.chat_sessions where id = ${sessionId}`;
    expect(session.ahead).toBe(true);
  });

  it("a user's own token (the Data API) cannot write a message's time and gets its chat's stamped now", async () => {
    const alice = await createAuthUser(db.sql);
    const sessionId = await chatOf(alice);
    await expect(asActor(db.sql, alice, (tx) => tx`insert into public.messages (session_id, user_id, sender, content, created_at)
      values (${sessionId}, ${alice.id}, 'user', 'x', ${FUTURE})`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, alice, (tx) => tx`update public.messages set created_at = ${FUTURE} where session_id = ${sessionId}`)).rejects.toThrow(PERMISSION_DENIED);
    const [inserted] = await asActor(db.sql, alice, (tx) => tx`
      insert into public.chat_sessions (user_id, created_at, last_message_at) values (${alice.id}, ${FUTURE}, ${FUTURE})
      returning created_at <= now() and last_message_at <= now() as stamped`);
    expect(inserted.stamped).toBe(true);
    await asActor(db.sql, alice, (tx) => tx`update public.chat_sessions set last_message_at = ${FUTURE}, created_at = ${FUTURE} where id = ${sessionId}`);
    const [kept] = await db.sql`select created_at <= now() and last_message_at <= now() as kept from public.chat_sessions where id = ${sessionId}`;
    expect(kept.kept).toBe(true);
  });
});

describe('20261207110000: chats imported in the future before it', () => {
  it('come back before now in their order, and sort below a chat started after', async () => {
    const old = await createTestDatabaseBefore('20261207110000');
    try {
      const alice = await createAuthUser(old.sql);
      const [future] = await old.sql`insert into public.chat_sessions (user_id, title, created_at, last_message_at)
        values (${alice.id}, 'Dated 2099', ${FUTURE}, ${FUTURE}) returning id`;
      const [past] = await old.sql`insert into public.chat_sessions (user_id, title, created_at, last_message_at)
        values (${alice.id}, 'Half tampered', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') returning id`;
      // As POST /import wrote them: in order, each after the one before.
      const times = ['2099-01-01T00:00:00Z', '2099-01-01T00:00:01Z', '2099-01-01T00:00:02Z'];
      for (const [i, at] of times.entries()) {
        await old.sql`insert into public.messages (session_id, user_id, sender, content, created_at, updated_at)
          values (${future.id}, ${alice.id}, ${i % 2 ? 'assistant' : 'user'}, ${`m${i}`}, ${at}, ${at})`;
      }
      await old.sql`insert into public.messages (session_id, user_id, sender, content, created_at)
        values (${past.id}, ${alice.id}, 'user', 'p0', '2024-01-01T00:00:00Z'), (${past.id}, ${alice.id}, 'assistant', 'p1', ${FUTURE})`;

      await old.applyRest();

      const messages = await old.sql`select session_id, content, created_at <= now() as settled, updated_at <= now() as updated
        from public.messages where user_id = ${alice.id} order by session_id = ${past.id}, created_at, id`;
      expect(messages.map((m) => [m.content, m.settled, m.updated])).toEqual([
        ['m0', true, true], ['m1', true, true], ['m2', true, true], ['p0', true, true], ['p1', true, true],
      ]);
      const sessions = await old.sql`select id, created_at <= now() as created, last_message_at <= now() as last,
          last_message_at = (select max(m.created_at) from public.messages m where m.session_id = s.id) as follows,
          created_at = '2024-01-01T00:00:00Z' as kept
        from public.chat_sessions s where user_id = ${alice.id}`;
      const byId = Object.fromEntries(sessions.map((s) => [s.id, s]));
      expect(byId[future.id]).toMatchObject({ created: true, last: true, follows: true });
      expect(byId[past.id]).toMatchObject({ created: true, last: true, follows: true, kept: true });

      // A chat started now sorts above them, as the sidebar orders (last_message_at, newest first).
      const [today] = await asActor(old.sql, alice, (tx) => tx`insert into public.chat_sessions (user_id, title) values (${alice.id}, 'Today') returning id`);
      const order = await old.sql`select id from public.chat_sessions where user_id = ${alice.id} order by last_message_at desc, id desc`;
      expect(order[0].id).toBe(today.id);
    } finally {
      await old.drop();
    }
  });
});
