// prompt_usage_logs: append-only, owner-only rows that may point at public prompts but only
// at the owner's own sessions and messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
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
  it('logs, reads and deletes their own usage but cannot rewrite it', async () => {
    const chat = await userWithUsage();
    const result = await asActor(db.sql, chat.user, async (tx) => ({
      inserted: (await tx`insert into public.prompt_usage_logs ${tx(logRow(chat.user.id, { prompt: chat.promptId, session: chat.sessionId, message: chat.messageId }))} returning id`).length,
      seen: (await tx`select id from public.prompt_usage_logs`).length,
      deleted: (await tx`delete from public.prompt_usage_logs where id = ${chat.logId} returning id`).length,
    }));
    expect(result).toEqual({ inserted: 1, seen: 2, deleted: 1 });
    await expect(asActor(db.sql, chat.user, (tx) => tx`update public.prompt_usage_logs set token_count = 0`))
      .rejects.toThrow(PERMISSION_DENIED);
  });

  it('may log a run of a public prompt', async () => {
    const author = await createAuthUser(db.sql);
    const [prompt] = await db.sql`insert into public.prompts (user_id, title, content, is_public) values (${author.id}, 'Pub', 'x', true) returning id`;
    const user = await createAuthUser(db.sql);
    const rows = await asActor(db.sql, user, (tx) => tx`insert into public.prompt_usage_logs ${tx(logRow(user.id, { prompt: prompt.id }))} returning id`);
    expect(rows).toHaveLength(1);
  });

  it('survives the deletion of its chat and prompt, with the links cleared', async () => {
    const chat = await userWithUsage();
    await db.sql`delete from public.chat_sessions where id = ${chat.sessionId}`;
    await db.sql`delete from public.prompts where id = ${chat.promptId}`;
    const [log] = await db.sql`select prompt_id, session_id, message_id, token_count from public.prompt_usage_logs where id = ${chat.logId}`;
    expect(log).toEqual({ prompt_id: null, session_id: null, message_id: null, token_count: 42 });
  });
});

describe('prompt_usage_logs: another user', () => {
  it("cannot read or delete the owner's logs", async () => {
    const chat = await userWithUsage();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx`select id from public.prompt_usage_logs where id = ${chat.logId}`).length,
      deleted: (await tx`delete from public.prompt_usage_logs where id = ${chat.logId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, deleted: 0 });
  });

  it("cannot log under the owner's id or attach a log to the owner's session, message or private prompt", async () => {
    const chat = await userWithUsage();
    const stranger = await createAuthUser(db.sql);
    for (const row of [
      logRow(chat.user.id),
      logRow(stranger.id, { session: chat.sessionId }),
      logRow(stranger.id, { message: chat.messageId }),
      logRow(stranger.id, { prompt: chat.promptId }),
    ]) {
      await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.prompt_usage_logs ${tx(row)}`)).rejects.toThrow(RLS_VIOLATION);
    }
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
