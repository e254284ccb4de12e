// Deleting an auth user removes every row they own, in every table, and nothing of anyone
// else's (a fork of their public prompt survives, pointing nowhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** Rows per table that belong to the user (directly or through their prompts). */
async function rowsOf(user: AuthUser) {
  const [counts] = await db.sql`select
    (select count(*)::int from public.profiles where id = ${user.id}) as profiles,
    (select count(*)::int from public.api_credentials where user_id = ${user.id}) as api_credentials,
    (select count(*)::int from public.prompts where user_id = ${user.id}) as prompts,
    (select count(*)::int from public.prompt_versions v join public.prompts p on p.id = v.prompt_id where p.user_id = ${user.id}) as prompt_versions,
    (select count(*)::int from public.prompt_labels l join public.prompts p on p.id = l.prompt_id where p.user_id = ${user.id}) as prompt_labels,
    (select count(*)::int from public.projects where user_id = ${user.id}) as projects,
    (select count(*)::int from public.chat_sessions where user_id = ${user.id}) as chat_sessions,
    (select count(*)::int from public.messages where user_id = ${user.id}) as messages,
    (select count(*)::int from public.prompt_usage_logs where user_id = ${user.id}) as prompt_usage_logs,
    (select count(*)::int from private.rate_limit_buckets where user_id = ${user.id}) as rate_limit_buckets,
    (select count(*)::int from private.monthly_spend where user_id = ${user.id}) as monthly_spend`;
  return counts;
}

async function populate(user: AuthUser): Promise<{ publicPromptId: string; versionIds: string[] }> {
  const [prompt] = await db.sql`insert into public.prompts (user_id, title, content, is_public) values (${user.id}, 'Mine', 'v1', true) returning id`;
  await db.sql`update public.prompts set content = 'v2' where id = ${prompt.id}`;
  await db.sql`insert into public.prompt_labels (prompt_id, label, version) values (${prompt.id}, 'production', 2)`;
  await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key) values (${user.id}, 'openai', 'v1.n.c')`;
  const [project] = await db.sql`insert into public.projects (user_id, name, system_prompt_id) values (${user.id}, 'P', ${prompt.id}) returning id`;
  const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${user.id}, ${project.id}) returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session.id}, ${user.id}, 'user', 'hi') returning id`;
  await db.sql`insert into public.prompt_usage_logs (user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status, cost_usd)
    values (${user.id}, ${prompt.id}, 2, ${session.id}, ${message.id}, 'openai', 'gpt-4o-mini', 'success', 0.0125)`;
  await db.sql`select * from private.consume_rate_limit(${user.id}, 'chat', 5, 1)`;
  const versions = await db.sql`select id from public.prompt_versions where prompt_id = ${prompt.id}`;
  return { publicPromptId: prompt.id, versionIds: versions.map((v) => v.id) };
}

describe('deleting an auth user', () => {
  it('removes all their rows and leaves other users intact', async () => {
    const leaving = await createAuthUser(db.sql);
    const staying = await createAuthUser(db.sql);
    const { publicPromptId, versionIds } = await populate(leaving);
    await populate(staying);
    // The staying user forked the leaving user's public prompt.
    const [fork] = await db.sql`insert into public.prompts (user_id, title, content, forked_from)
      values (${staying.id}, 'Fork', 'v2', ${publicPromptId}) returning id`;

    expect(Object.values(await rowsOf(leaving)).every((n) => n > 0)).toBe(true);
    const before = await rowsOf(staying);

    await db.sql`delete from auth.users where id = ${leaving.id}`;

    expect(await rowsOf(leaving)).toEqual({
      profiles: 0, api_credentials: 0, prompts: 0, prompt_versions: 0, prompt_labels: 0,
      projects: 0, chat_sessions: 0, messages: 0, prompt_usage_logs: 0, rate_limit_buckets: 0,
      monthly_spend: 0,
    });
    const orphans = await db.sql`select id from public.prompt_versions where id in ${db.sql(versionIds)}`;
    expect(orphans).toHaveLength(0);
    expect(await rowsOf(staying)).toEqual(before);
    const [forked] = await db.sql`select forked_from from public.prompts where id = ${fork.id}`;
    expect(forked.forked_from).toBeNull();
  });
});
