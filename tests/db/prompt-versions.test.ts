// prompt_versions: written only by triggers on prompts, readable as widely as the prompt,
// never writable by any API role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function createPrompt(owner: AuthUser, isPublic = false): Promise<string> {
  const [row] = await asActor(db.sql, owner, (tx) => tx`insert into public.prompts (user_id, title, content, tags, is_public)
    values (${owner.id}, 'Greeter', 'Hello {{name}}', ${['a']}, ${isPublic}) returning id`);
  return row.id;
}

async function versionsOf(promptId: string) {
  return await db.sql`select version, title, content, commit_message, created_by
    from public.prompt_versions where prompt_id = ${promptId} order by version`;
}

describe('prompt_versions: the history trigger', () => {
  it('records version 1 when a prompt is created', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    expect(await versionsOf(id)).toEqual([
      { version: 1, title: 'Greeter', content: 'Hello {{name}}', commit_message: 'Initial version', created_by: owner.id },
    ]);
  });

  it('editing the content twice yields versions 1, 2, 3', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = 'Hi {{name}}' where id = ${id}`);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = 'Hey {{name}}!' where id = ${id}`);
    const versions = await versionsOf(id);
    expect(versions.map((v) => [v.version, v.content])).toEqual([[1, 'Hello {{name}}'], [2, 'Hi {{name}}'], [3, 'Hey {{name}}!']]);
    const [prompt] = await db.sql`select latest_version from public.prompts where id = ${id}`;
    expect(prompt.latest_version).toBe(3);
  });

  it('a tag-only, description or visibility edit yields no version', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set tags = ${['a', 'b']} where id = ${id}`);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set description = 'Says hello', is_public = true where id = ${id}`);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = content, title = title where id = ${id}`);
    expect((await versionsOf(id)).map((v) => v.version)).toEqual([1]);
    const [prompt] = await db.sql`select latest_version from public.prompts where id = ${id}`;
    expect(prompt.latest_version).toBe(1);
  });

  it('a title change is a new version too', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set title = 'Welcomer' where id = ${id}`);
    expect((await versionsOf(id)).map((v) => [v.version, v.title])).toEqual([[1, 'Greeter'], [2, 'Welcomer']]);
  });

  it('takes the commit message from the transaction-local setting', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    await asActor(db.sql, owner, async (tx) => {
      await tx`select set_config('mrprompt.commit_message', 'Friendlier greeting', true)`;
      await tx`update public.prompts set content = 'Hi there, {{name}}' where id = ${id}`;
    });
    // The setting is transaction-local: the next edit has no message.
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = 'Yo {{name}}' where id = ${id}`);
    expect((await versionsOf(id)).map((v) => v.commit_message)).toEqual(['Initial version', 'Friendlier greeting', null]);
  });

  it('ignores a forged latest_version on update', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    const [row] = await asActor(db.sql, owner, (tx) => tx`update public.prompts set latest_version = 99, tags = ${['z']}
      where id = ${id} returning latest_version`);
    expect(row.latest_version).toBe(1);
  });
});

describe('prompt_versions: who can read', () => {
  const readable = async (actor: Actor, promptId: string) =>
    (await asActor(db.sql, actor, (tx) => tx`select version from public.prompt_versions where prompt_id = ${promptId}`)).length;

  it('versions of a private prompt: only the owner (and service role)', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await createPrompt(owner, false);
    expect(await readable(owner, id)).toBe(1);
    expect(await readable(stranger, id)).toBe(0);
    await expect(readable('anon', id)).rejects.toThrow(PERMISSION_DENIED);
    expect(await readable('service_role', id)).toBe(1);
  });

  it('versions of a public prompt: every account; anonymous visitors read none', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await createPrompt(owner, true);
    for (const actor of [owner, stranger, 'service_role'] as const) expect(await readable(actor, id)).toBe(1);
    await expect(readable('anon', id)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('prompt_versions: nobody writes directly', () => {
  it.each(['owner', 'stranger', 'anon', 'service_role'] as const)('%s cannot insert, update or delete', async (who) => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner, true);
    const actor: Actor = who === 'owner' ? owner : who === 'stranger' ? await createAuthUser(db.sql) : who;
    for (const query of [
      `insert into public.prompt_versions (prompt_id, version, title, content) values ('${id}', 2, 't', 'forged')`,
      `update public.prompt_versions set content = 'rewritten' where prompt_id = '${id}'`,
      `delete from public.prompt_versions where prompt_id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, actor, (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
    expect((await versionsOf(id)).map((v) => v.content)).toEqual(['Hello {{name}}']);
  });

  it('versions go away with their prompt', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner);
    await asActor(db.sql, owner, (tx) => tx`delete from public.prompts where id = ${id}`);
    expect(await versionsOf(id)).toHaveLength(0);
  });
});
