// prompt_labels: readable as widely as the prompt, managed only by the prompt's owner, and
// always pointing at a version that exists for that prompt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A prompt with versions 1 and 2 and a `production` label on version 1. */
async function labelledPrompt(isPublic: boolean): Promise<{ owner: AuthUser; promptId: string; labelId: string }> {
  const owner = await createAuthUser(db.sql);
  const [prompt] = await db.sql`insert into public.prompts (user_id, title, content, is_public)
    values (${owner.id}, 'Labelled', 'v1', ${isPublic}) returning id`;
  await db.sql`update public.prompts set content = 'v2' where id = ${prompt.id}`;
  const [label] = await db.sql`insert into public.prompt_labels (prompt_id, label, version)
    values (${prompt.id}, 'production', 1) returning id`;
  // Shared at production: others read v1 and the label on it, not v2 (tests/db/prompt-publishing.test.ts).
  if (isPublic) await db.sql`update public.prompts set shared_label = 'production' where id = ${prompt.id}`;
  return { owner, promptId: prompt.id, labelId: label.id };
}

const labelsOf = async (actor: Actor, promptId: string) =>
  (await asActor(db.sql, actor, (tx) => tx`select label, version from public.prompt_labels where prompt_id = ${promptId}`));

describe('prompt_labels: owner', () => {
  it('adds, moves and removes labels on their prompt', async () => {
    const { owner, promptId, labelId } = await labelledPrompt(false);
    const result = await asActor(db.sql, owner, async (tx) => ({
      added: (await tx`insert into public.prompt_labels (prompt_id, label, version) values (${promptId}, 'staging', 2) returning id`).length,
      moved: (await tx`update public.prompt_labels set version = 2 where id = ${labelId} returning version`)[0].version,
      seen: (await tx`select id from public.prompt_labels where prompt_id = ${promptId}`).length,
      removed: (await tx`delete from public.prompt_labels where id = ${labelId} returning id`).length,
    }));
    expect(result).toEqual({ added: 1, moved: 2, seen: 2, removed: 1 });
  });

  it('cannot point a label at a version that does not exist, or reuse a name', async () => {
    const { owner, promptId } = await labelledPrompt(false);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version)
      values (${promptId}, 'future', 3)`)).rejects.toThrow(/foreign key/);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version)
      values (${promptId}, 'production', 2)`)).rejects.toThrow(/duplicate key/);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version)
      values (${promptId}, 'Not OK', 2)`)).rejects.toThrow(/check constraint/);
  });
});

describe('prompt_labels: visibility', () => {
  it('labels of a private prompt are the owner’s alone', async () => {
    const { owner, promptId } = await labelledPrompt(false);
    const stranger = await createAuthUser(db.sql);
    expect(await labelsOf(owner, promptId)).toHaveLength(1);
    expect(await labelsOf(stranger, promptId)).toHaveLength(0);
    await expect(labelsOf('anon', promptId)).rejects.toThrow(PERMISSION_DENIED);
    expect(await labelsOf('service_role', promptId)).toHaveLength(1);
  });

  it('labels of a public prompt are readable by every account; anonymous visitors read no labels', async () => {
    const { owner, promptId } = await labelledPrompt(true);
    const stranger = await createAuthUser(db.sql);
    for (const actor of [owner, stranger, 'service_role'] as const) {
      expect(await labelsOf(actor, promptId)).toEqual([{ label: 'production', version: 1 }]);
    }
    await expect(labelsOf('anon', promptId)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('prompt_labels: another user', () => {
  it('cannot add, move or remove labels on a public prompt they do not own', async () => {
    const { promptId, labelId } = await labelledPrompt(true);
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version)
      values (${promptId}, 'mine', 1)`)).rejects.toThrow(RLS_VIOLATION);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      moved: (await tx`update public.prompt_labels set version = 2 where id = ${labelId} returning id`).length,
      removed: (await tx`delete from public.prompt_labels where id = ${labelId} returning id`).length,
    }));
    expect(result).toEqual({ moved: 0, removed: 0 });
  });
});

describe('prompt_labels: anonymous', () => {
  it('cannot write', async () => {
    const { promptId, labelId } = await labelledPrompt(true);
    for (const query of [
      `insert into public.prompt_labels (prompt_id, label, version) values ('${promptId}', 'x', 1)`,
      `update public.prompt_labels set version = 2 where id = '${labelId}'`,
      `delete from public.prompt_labels where id = '${labelId}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('prompt_labels: service role', () => {
  it('inserts, updates and deletes any label', async () => {
    const { promptId, labelId } = await labelledPrompt(false);
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      added: (await tx`insert into public.prompt_labels (prompt_id, label, version) values (${promptId}, 'beta', 2) returning id`).length,
      moved: (await tx`update public.prompt_labels set version = 2 where id = ${labelId} returning id`).length,
      removed: (await tx`delete from public.prompt_labels where id = ${labelId} returning id`).length,
    }));
    expect(result).toEqual({ added: 1, moved: 1, removed: 1 });
  });
});
