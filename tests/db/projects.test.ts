// projects: owner-only folders whose system prompt must be one the owner can read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function ownerWithProject(): Promise<{ owner: AuthUser; id: string }> {
  const owner = await createAuthUser(db.sql);
  const [row] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Thesis') returning id`;
  return { owner, id: row.id };
}

async function promptOf(user: AuthUser, isPublic: boolean): Promise<string> {
  const [row] = await db.sql`insert into public.prompts (user_id, title, content, is_public)
    values (${user.id}, 'System', 'You are helpful.', ${isPublic}) returning id`;
  return row.id;
}

describe('projects: owner', () => {
  it('creates, reads, updates and deletes their own project', async () => {
    const owner = await createAuthUser(db.sql);
    const promptId = await promptOf(owner, false);
    const result = await asActor(db.sql, owner, async (tx) => {
      const [created] = await tx`insert into public.projects (user_id, name, system_prompt_id, system_prompt_label)
        values (${owner.id}, 'Work', ${promptId}, 'production') returning id`;
      return {
        seen: (await tx`select id from public.projects`).length,
        updated: (await tx`update public.projects set description = 'Day job' where id = ${created.id} returning id`).length,
        deleted: (await tx`delete from public.projects where id = ${created.id} returning id`).length,
      };
    });
    expect(result).toEqual({ seen: 1, updated: 1, deleted: 1 });
  });

  it("may use a public prompt as system prompt, but not someone else's private one", async () => {
    const owner = await createAuthUser(db.sql);
    const author = await createAuthUser(db.sql);
    const publicPrompt = await promptOf(author, true);
    const privatePrompt = await promptOf(author, false);
    const [ok] = await asActor(db.sql, owner, (tx) => tx`insert into public.projects (user_id, name, system_prompt_id)
      values (${owner.id}, 'Uses public', ${publicPrompt}) returning system_prompt_id`);
    expect(ok.system_prompt_id).toBe(publicPrompt);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.projects (user_id, name, system_prompt_id)
      values (${owner.id}, 'Uses private', ${privatePrompt})`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.projects set system_prompt_id = ${privatePrompt}
      where user_id = ${owner.id}`)).rejects.toThrow(RLS_VIOLATION);
  });

  it('loses the system prompt, not the project, when the prompt is deleted', async () => {
    const owner = await createAuthUser(db.sql);
    const promptId = await promptOf(owner, false);
    const [project] = await db.sql`insert into public.projects (user_id, name, system_prompt_id)
      values (${owner.id}, 'P', ${promptId}) returning id`;
    await asActor(db.sql, owner, (tx) => tx`delete from public.prompts where id = ${promptId}`);
    const [row] = await db.sql`select system_prompt_id from public.projects where id = ${project.id}`;
    expect(row.system_prompt_id).toBeNull();
  });
});

describe('projects: another user', () => {
  it('sees nothing and cannot change, delete or plant a project', async () => {
    const { owner, id } = await ownerWithProject();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx`select id from public.projects where id = ${id}`).length,
      updated: (await tx`update public.projects set name = 'Mine now' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.projects where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, updated: 0, deleted: 0 });
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.projects (user_id, name) values (${owner.id}, 'Planted')`))
      .rejects.toThrow(RLS_VIOLATION);
  });
});

describe('projects: anonymous', () => {
  it('has no access at all', async () => {
    const { owner, id } = await ownerWithProject();
    for (const query of [
      'select id from public.projects',
      `insert into public.projects (user_id, name) values ('${owner.id}', 'x')`,
      `update public.projects set name = 'x' where id = '${id}'`,
      `delete from public.projects where id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('projects: service role', () => {
  it('reads, writes and deletes any project', async () => {
    const { owner, id } = await ownerWithProject();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      seen: (await tx`select id from public.projects where id = ${id}`).length,
      inserted: (await tx`insert into public.projects (user_id, name) values (${owner.id}, 'Admin made') returning id`).length,
      updated: (await tx`update public.projects set name = 'Renamed' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.projects where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ seen: 1, inserted: 1, updated: 1, deleted: 1 });
  });
});
