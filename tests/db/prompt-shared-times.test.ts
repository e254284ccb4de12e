// What other people learn of a public prompt's activity through public.shared_prompts, driven
// as the API roles: its `revision` and `updated_at` are the shared version's, so the owner's
// unshared drafts do not show (their number, their times); sharing something new does, and the
// owner cannot date their prompt into the future.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A prompt at v2, labelled production → v2 and shared at it. */
async function sharedPrompt(owner: AuthUser): Promise<string> {
  return await asActor(db.sql, owner, async (tx) => {
    const [p] = await tx`insert into public.prompts (user_id, title, content) values (${owner.id}, 'Support reply', 'v1') returning id`;
    await tx`update public.prompts set content = 'v2: Reply politely to {{name}}' where id = ${p!.id}`;
    await tx`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'production', 2)`;
    await tx`update public.prompts set is_public = true, shared_label = 'production' where id = ${p!.id}`;
    return p!.id as string;
  });
}

// An anonymous visitor reads a public prompt by id only (public.read_public_prompt), whose
// version is what the view calls `revision`.
const seenBy = async (actor: Actor, id: string) =>
  (await asActor(db.sql, actor, (tx) => actor === 'anon'
    ? tx`select version, version as revision, updated_at from public.read_public_prompt(${id})`
    : tx`select version, revision, updated_at from public.shared_prompts where id = ${id}`))[0];
const save = (owner: AuthUser, id: string, content: string) =>
  asActor(db.sql, owner, (tx) => tx`update public.prompts set content = ${content} where id = ${id}`);

describe('a public prompt as other people see it', () => {
  it('keeps its revision and time while its owner saves unshared drafts', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await sharedPrompt(owner);
    const before = { stranger: await seenBy(stranger, id), anon: await seenBy('anon', id) };
    expect(before.anon).toMatchObject({ version: 2, revision: 2 });

    for (const draft of ['draft a', 'draft b', 'draft c']) await save(owner, id, draft);

    expect(await seenBy(stranger, id)).toEqual(before.stranger);
    expect(await seenBy('anon', id)).toEqual(before.anon);
    // The owner's own row moves on as before.
    const [own] = await asActor(db.sql, owner, (tx) => tx`select revision, updated_at from public.prompts where id = ${id}`);
    expect(own!.revision).toBeGreaterThan(before.anon!.revision);
    expect(own!.updated_at.getTime()).toBeGreaterThan(before.anon!.updated_at.getTime());
  });

  it('moves on when something new is shared: the label moved, or the prompt shared again', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await sharedPrompt(owner);
    await save(owner, id, 'v3: Reply kindly to {{name}}');
    const before = await seenBy('anon', id);
    await asActor(db.sql, owner, (tx) => tx`update public.prompt_labels set version = 3 where prompt_id = ${id} and label = 'production'`);
    const released = await seenBy('anon', id);
    expect(released).toMatchObject({ version: 3, revision: 3 });
    expect(released!.updated_at.getTime()).toBeGreaterThan(before!.updated_at.getTime());

    await asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = false where id = ${id}`);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = true where id = ${id}`);
    expect((await seenBy('anon', id))!.updated_at.getTime()).toBeGreaterThan(released!.updated_at.getTime());
  });

  it('is dated by the server: a time the owner writes on the prompt or a label is not taken', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await asActor(db.sql, owner, async (tx) => {
      const [p] = await tx`insert into public.prompts (user_id, title, content, is_public, shared_at)
        values (${owner.id}, 'Spam', 'v1', true, '2099-01-01') returning id`;
      await tx`insert into public.prompt_labels (prompt_id, label, version, updated_at) values (${p!.id}, 'production', 1, '2099-01-01')`;
      await tx`update public.prompts set shared_label = 'production', shared_at = '2099-01-01' where id = ${p!.id}`;
      await tx`update public.prompts set description = 'still here', shared_at = '2099-01-01' where id = ${p!.id}`;
      return p!.id as string;
    });
    expect((await seenBy('anon', id))!.updated_at.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
