// prompt_usage_logs: the record of what each provider call cost. Written only by the function
// (privileged); users read their own and can neither forge, rewrite nor delete a row — not
// even with their own token through the Data API.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Chat { user: AuthUser; sessionId: string; messageId: string; promptId: string; logId: string }

/** A user with a private prompt, a session, an assistant message and one usage log. */
async function userWithUsage(): Promise<Chat> {
  const user = await createAuthUser(db.sql);
  const [prompt] = await db.sql`insert into public.prompts (user_id, title, content) values (${user.id}, 'P', 'x') returning id`;
  const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${user.id}) returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender) values (${session.id}, ${user.id}, 'assistant') returning id`;
  const [log] = await db.sql`insert into public.prompt_usage_logs (user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status, token_count)
    values (${user.id}, ${prompt.id}, 1, ${session.id}, ${message.id}, 'openai', 'gpt-4o-mini', 'success', 42) returning id`;
  return { user, sessionId: session.id, messageId: message.id, promptId: prompt.id, logId: log.id };
}

function logRow(userId: string, links: { prompt?: string; session?: string; message?: string } = {}) {
  return {
    user_id: userId, prompt_id: links.prompt ?? null, prompt_version: links.prompt ? 1 : null,
    session_id: links.session ?? null, message_id: links.message ?? null,
    provider: 'groq', model: 'llama-3.1-8b-instant', status: 'success', ttft_ms: 50, latency_ms: 300,
    prompt_tokens: 10, completion_tokens: 20, token_count: 30,
  };
}

describe('prompt_usage_logs: owner', () => {
  it('reads their own usage but cannot log, rewrite or delete it', async () => {
    const chat = await userWithUsage();
    const seen = await asActor(db.sql, chat.user, (tx) => tx`select id, token_count from public.prompt_usage_logs`);
    expect(seen).toEqual([{ id: chat.logId, token_count: 42 }]);
    for (const write of [
      (tx: TransactionSql) => tx`insert into public.prompt_usage_logs ${tx(logRow(chat.user.id, { session: chat.sessionId, message: chat.messageId }))}`,
      (tx: TransactionSql) => tx`update public.prompt_usage_logs set token_count = 0`,
      (tx: TransactionSql) => tx`delete from public.prompt_usage_logs where id = ${chat.logId}`,
    ]) {
      await expect(asActor(db.sql, chat.user, write)).rejects.toThrow(PERMISSION_DENIED);
    }
    const [kept] = await db.sql`select token_count from public.prompt_usage_logs where id = ${chat.logId}`;
    expect(kept.token_count).toBe(42);
  });

  it('survives the deletion of its chat and prompt, with the links cleared', async () => {
    const chat = await userWithUsage();
    await db.sql`delete from public.chat_sessions where id = ${chat.sessionId}`;
    await db.sql`delete from public.prompts where id = ${chat.promptId}`;
    const [log] = await db.sql`select prompt_id, session_id, message_id, token_count from public.prompt_usage_logs where id = ${chat.logId}`;
    expect(log).toEqual({ prompt_id: null, session_id: null, message_id: null, token_count: 42 });
  });
});

describe('prompt_usage_logs.purpose and reasoning_tokens (QA 6 #6, #13)', () => {
  it('cannot be written by the user through the Data API: no call relabelled or recounted', async () => {
    const chat = await userWithUsage();
    await db.sql`update public.prompt_usage_logs set purpose = 'title', reasoning_tokens = 7 where id = ${chat.logId}`;
    for (const write of [
      (tx: TransactionSql) => tx`update public.prompt_usage_logs set purpose = 'chat' where id = ${chat.logId}`,
      (tx: TransactionSql) => tx`update public.prompt_usage_logs set reasoning_tokens = 0 where id = ${chat.logId}`,
      (tx: TransactionSql) => tx`insert into public.prompt_usage_logs ${tx({ ...logRow(chat.user.id), purpose: 'title', reasoning_tokens: 1 })}`,
    ]) {
      await expect(asActor(db.sql, chat.user, write)).rejects.toThrow(PERMISSION_DENIED);
    }
    const seen = await asActor(db.sql, chat.user, (tx) => tx`select purpose, reasoning_tokens from public.prompt_usage_logs where id = ${chat.logId}`);
    expect(seen).toEqual([{ purpose: 'title', reasoning_tokens: 7 }]);
  });
});

describe('prompt_usage_logs: another user', () => {
  it("cannot read the owner's logs, log under the owner's id or delete theirs", async () => {
    const chat = await userWithUsage();
    const stranger = await createAuthUser(db.sql);
    const seen = await asActor(db.sql, stranger, (tx) => tx`select id from public.prompt_usage_logs where id = ${chat.logId}`);
    expect(seen).toEqual([]);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.prompt_usage_logs ${tx(logRow(chat.user.id))}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, stranger, (tx) => tx`delete from public.prompt_usage_logs where id = ${chat.logId}`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('prompt_usage_logs: anonymous', () => {
  it('has no access at all', async () => {
    const chat = await userWithUsage();
    for (const query of [
      'select id from public.prompt_usage_logs',
      `insert into public.prompt_usage_logs (user_id, provider, model, status) values ('${chat.user.id}', 'openai', 'm', 'success')`,
      `update public.prompt_usage_logs set token_count = 0 where id = '${chat.logId}'`,
      `delete from public.prompt_usage_logs where id = '${chat.logId}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('prompt_usage_logs: service role', () => {
  it('reads, writes, corrects and deletes any log', async () => {
    const chat = await userWithUsage();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      seen: (await tx`select id from public.prompt_usage_logs where id = ${chat.logId}`).length,
      inserted: (await tx`insert into public.prompt_usage_logs ${tx(logRow(chat.user.id))} returning id`).length,
      updated: (await tx`update public.prompt_usage_logs set status = 'error', error_code = 'provider_timeout' where id = ${chat.logId} returning id`).length,
      deleted: (await tx`delete from public.prompt_usage_logs where id = ${chat.logId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 1, inserted: 1, updated: 1, deleted: 1 });
  });
});

describe('prompt_usage_logs.attachment_tokens (set by the database)', () => {
  /** A question with files and its answer, as a chat turn writes them. */
  async function turn() {
    const user = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${user.id}) returning id`;
    const [question] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session.id}, ${user.id}, 'user', 'q') returning id`;
    const [answer] = await db.sql`insert into public.messages (session_id, user_id, sender) values (${session.id}, ${user.id}, 'assistant') returning id`;
    const attach = (name: string, tokens: number) => db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count)
      values (${question.id}, ${user.id}, ${`${user.id}/chat/${name}`}, ${name}, 'text/plain', 1, ${tokens})`;
    const log = (tokens = 0) => db.sql`insert into public.prompt_usage_logs (user_id, session_id, message_id, provider, model, status, prompt_tokens, attachment_tokens)
      values (${user.id}, ${session.id}, ${answer.id}, 'demo', 'demo-model', 'success', 5000, ${tokens}) returning id`;
    const read = async () => (await db.sql`select attachment_tokens from public.prompt_usage_logs where message_id = ${answer.id}`)[0]!.attachment_tokens;
    return { user, attach, log, read };
  }

  it("counts the question's files when they are recorded before the call is logged", async () => {
    const t = await turn();
    await t.attach('a.txt', 1200);
    await t.attach('b.txt', 300);
    await t.log(99); // a stated count is ignored
    expect(await t.read()).toBe(1500);
  });

  it('adds files recorded after the call was logged (the API records them while the answer streams)', async () => {
    const t = await turn();
    await t.attach('a.txt', 1200);
    await t.log();
    await t.attach('b.txt', 300);
    expect(await t.read()).toBe(1500);
  });

  it('is 0 for a call with no chat message (the OpenAI-compatible gateway)', async () => {
    const user = await createAuthUser(db.sql);
    const [row] = await db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, attachment_tokens)
      values (${user.id}, 'demo', 'demo-model', 'success', 7) returning attachment_tokens`;
    expect(row!.attachment_tokens).toBe(0);
  });
});

describe('prompt_usage_logs.api_key_id and the deleted project (set by the function and the database)', () => {
  async function keyOf(user: AuthUser) {
    const [key] = await db.sql`insert into public.api_keys (user_id, name, prefix, key_hash, scopes)
      values (${user.id}, 'sdk', 'mrp_abcdefgh', sha256(convert_to(gen_random_uuid()::text, 'utf8')), '{chat}') returning id`;
    return key!.id as string;
  }

  it("names only a key of the log's own user, whoever writes; the owner cannot set or change it, nor the kept project", async () => {
    const alice = await createAuthUser(db.sql);
    const bob = await createAuthUser(db.sql);
    const aliceKey = await keyOf(alice);
    const bobKey = await keyOf(bob);
    const [log] = await db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, api_key_id)
      values (${alice.id}, 'demo', 'demo-model', 'success', ${aliceKey}) returning id, api_key_id`;
    expect(log!.api_key_id).toBe(aliceKey);
    await expect(db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, api_key_id)
      values (${alice.id}, 'demo', 'demo-model', 'success', ${bobKey})`).rejects.toThrow(/must be a key of the log's user/);
    await expect(asActor(db.sql, 'service_role', (tx) => tx`update public.prompt_usage_logs set api_key_id = ${bobKey} where id = ${log!.id}`))
      .rejects.toThrow(/must be a key of the log's user/);
    for (const query of [
      `update public.prompt_usage_logs set api_key_id = null where id = '${log!.id}'`,
      `update public.prompt_usage_logs set deleted_project_id = gen_random_uuid(), deleted_project_name = 'Forged' where id = '${log!.id}'`,
      `insert into public.prompt_usage_logs (user_id, provider, model, status, api_key_id) values ('${alice.id}', 'demo', 'm', 'success', '${aliceKey}')`,
    ]) {
      await expect(asActor(db.sql, alice, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
  });

  it("keeps a deleted project's id on its logs, and its name on its owner's logs only", async () => {
    const owner = await createAuthUser(db.sql);
    const member = await createAuthUser(db.sql);
    const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Research') returning id`;
    const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${owner.id}, ${project!.id}) returning id`;
    // The owner's turn, and one a member paid for in the owner's chat (their own key).
    for (const payer of [owner.id, member.id]) {
      await db.sql`insert into public.prompt_usage_logs (user_id, session_id, provider, model, status) values (${payer}, ${session!.id}, 'demo', 'demo-model', 'success')`;
    }
    await asActor(db.sql, owner, (tx) => tx`delete from public.projects where id = ${project!.id}`);
    const rows = await db.sql`select user_id, project_id, deleted_project_id, deleted_project_name from public.prompt_usage_logs
                               where session_id = ${session!.id} order by user_id = ${owner.id} desc`;
    expect(rows).toEqual([
      { user_id: owner.id, project_id: null, deleted_project_id: project!.id, deleted_project_name: 'Research' },
      { user_id: member.id, project_id: null, deleted_project_id: project!.id, deleted_project_name: null },
    ]);
  });
});
