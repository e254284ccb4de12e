// messages: owner-only chat turns. Users read and delete their own; every row, status, token
// count and timing is written by the function (privileged), so a user's own token — what the
// Data API uses on hosted Supabase — cannot forge an answer, a status or a token count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function ownerWithMessage(): Promise<{ owner: AuthUser; sessionId: string; messageId: string }> {
  const owner = await createAuthUser(db.sql);
  const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    values (${session.id}, ${owner.id}, 'user', 'Hello there') returning id`;
  return { owner, sessionId: session.id, messageId: message.id };
}

describe('messages: owner', () => {
  it('reads and deletes messages of their own session', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    const result = await asActor(db.sql, owner, async (tx) => {
      const page = await tx`select sender from public.messages where session_id = ${sessionId} order by created_at desc, id desc limit 50`;
      const deleted = await tx`delete from public.messages where id = ${messageId} returning id`;
      return { page: page.map((m) => m.sender), deleted: deleted.length };
    });
    expect(result).toEqual({ page: ['user'], deleted: 1 });
  });

  it('cannot add a question with their own token: questions enter a chat through a chat turn (the function)', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'typed') returning status`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('cannot write answers, statuses, token counts or times, nor change any message', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'assistant', 'forged answer')`)).rejects.toThrow(PERMISSION_DENIED);
    for (const query of [
      `insert into public.messages (session_id, user_id, sender, status, content) values ('${sessionId}', '${owner.id}', 'assistant', 'complete', 'forged answer')`,
      `insert into public.messages (session_id, user_id, sender, status) values ('${sessionId}', '${owner.id}', 'user', 'streaming')`,
      `insert into public.messages (session_id, user_id, sender, content, token_count) values ('${sessionId}', '${owner.id}', 'user', 'x', 0)`,
      `insert into public.messages (session_id, user_id, sender, content, created_at) values ('${sessionId}', '${owner.id}', 'user', 'x', now() - interval '1 year')`,
      `update public.messages set content = 'rewritten' where id = '${messageId}'`,
      `update public.messages set status = 'error' where id = '${messageId}'`,
      `update public.messages set token_count = 0, prompt_tokens = 0, completion_tokens = 0 where id = '${messageId}'`,
      `update public.messages set sender = 'assistant' where id = '${messageId}'`,
    ]) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
  });

  it("cannot reach a running turn's lock, lease, stop flag or checkpoints", async () => {
    const { owner } = await ownerWithMessage();
    for (const table of ['private.chat_turns', 'private.message_chunks']) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(`select * from ${table}`))).rejects.toThrow(/permission denied for schema private/);
    }
    await expect(asActor(db.sql, owner, (tx) => tx`select private.settle_abandoned_answers(${owner.id}::uuid)`))
      .rejects.toThrow(/permission denied for schema private/);
  });

  it('keeps the write order of messages written in one transaction', async () => {
    const owner = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    await db.sql.begin(async (tx) => {
      for (const sender of ['user', 'assistant', 'user', 'assistant']) {
        await tx`insert into public.messages (session_id, user_id, sender, content) values (${session.id}, ${owner.id}, ${sender}, ${sender})`;
      }
    });
    const order = await asActor(db.sql, owner, (tx) => tx`select sender from public.messages where session_id = ${session.id} order by created_at, id`);
    expect(order.map((m) => m.sender)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it("bumps the session's last_message_at", async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await db.sql`update public.chat_sessions set last_message_at = now() - interval '1 day' where id = ${sessionId}`;
    const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'Again') returning created_at`;
    const [session] = await db.sql`select last_message_at from public.chat_sessions where id = ${sessionId}`;
    expect(session.last_message_at.getTime()).toBe(message.created_at.getTime());
  });

  it('allows one streaming answer per session', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await db.sql`insert into public.messages (session_id, user_id, sender, status) values (${sessionId}, ${owner.id}, 'assistant', 'streaming')`;
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, status) values (${sessionId}, ${owner.id}, 'assistant', 'streaming')`)
      .rejects.toThrow(/messages_one_streaming_per_session_idx/);
  });

  it('pages history newest-first straight from the index, without sorting', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    const plan = await asActor(db.sql, owner, async (tx) => {
      // Tiny tables favour a sequential scan; this asks whether the index *can* serve the order.
      await tx`set local enable_seqscan = off`;
      const [row] = await tx`explain (format json) select id, content from public.messages
        where session_id = ${sessionId} and (created_at, id) < (now(), ${'ffffffff-ffff-4fff-bfff-ffffffffffff'}::uuid)
        order by created_at desc, id desc limit 50`;
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('messages_session_id_created_at_id_idx');
    expect(plan).not.toContain('"Node Type":"Sort"');
  });

  it('finds finished messages by full-text search, never a streaming one', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    await db.sql`insert into public.messages (session_id, user_id, sender, status, content)
      values (${sessionId}, ${owner.id}, 'assistant', 'streaming', 'there is more')`;
    const hits = await asActor(db.sql, owner, (tx) => tx`select id from public.messages
      where search @@ websearch_to_tsquery('simple', 'there')`);
    expect(hits.map((h) => h.id)).toEqual([messageId]);
  });

  it('rejects unknown senders, statuses and error codes, whoever writes', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await expect(db.sql`insert into public.messages (session_id, user_id, sender)
      values (${sessionId}, ${owner.id}, 'robot')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, status)
      values (${sessionId}, ${owner.id}, 'assistant', 'done')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, error_code)
      values (${sessionId}, ${owner.id}, 'assistant', 'Not A Code')`).rejects.toThrow(/check constraint/);
  });
});

describe('messages: another user', () => {
  it("cannot insert a message into another user's session, even knowing its id", async () => {
    const { owner, sessionId } = await ownerWithMessage();
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${stranger.id}, 'user', 'Injected')`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'Injected')`)).rejects.toThrow(PERMISSION_DENIED);
    const rows = await db.sql`select content from public.messages where session_id = ${sessionId}`;
    expect(rows.map((r) => r.content)).toEqual(['Hello there']);
  });

  it('sees nothing and cannot change or delete the owner’s messages', async () => {
    const { messageId } = await ownerWithMessage();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx`select id from public.messages where id = ${messageId}`).length,
      deleted: (await tx`delete from public.messages where id = ${messageId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, deleted: 0 });
    await expect(asActor(db.sql, stranger, (tx) => tx`update public.messages set content = 'x' where id = ${messageId}`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('messages: anonymous', () => {
  it('has no access at all', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    for (const query of [
      'select id from public.messages',
      `insert into public.messages (session_id, user_id, sender) values ('${sessionId}', '${owner.id}', 'user')`,
      `update public.messages set content = 'x' where id = '${messageId}'`,
      `delete from public.messages where id = '${messageId}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('messages: service role', () => {
  it('reads, writes and deletes any message', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      seen: (await tx`select id from public.messages where id = ${messageId}`).length,
      inserted: (await tx`insert into public.messages (session_id, user_id, sender) values (${sessionId}, ${owner.id}, 'system') returning id`).length,
      updated: (await tx`update public.messages set content = 'edited' where id = ${messageId} returning id`).length,
      deleted: (await tx`delete from public.messages where id = ${messageId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 1, inserted: 1, updated: 1, deleted: 1 });
  });
});
