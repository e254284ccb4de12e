// What a signed-out visitor (the Data API with only the publishable key: role `anon`) can learn
// of public prompts: one prompt by its id, with what its public page shows, and nothing else —
// no list, no search over the templates, no owner, source, labels or history
// (20261208460000_keep_public_prompts_off_the_anonymous_data_api.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A prompt at v2, labelled production → v2 (and acme-internal → v2), public at production. */
async function sharedPrompt(owner: AuthUser, isPublic = true): Promise<string> {
  return await asActor(db.sql, owner, async (tx) => {
    const [p] = await tx`insert into public.prompts (user_id, title, content) values (${owner.id}, 'Support reply', 'v1') returning id`;
    await tx`update public.prompts set content = 'v2: Reply politely to {{name}}' where id = ${p!.id}`;
    await tx`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'production', 2), (${p!.id}, 'acme-internal', 2)`;
    if (isPublic) await tx`update public.prompts set is_public = true, shared_label = 'production' where id = ${p!.id}`;
    return p!.id as string;
  });
}

describe('public prompts: anonymous visitors', () => {
  it('cannot list or search public prompts, their versions or their labels', async () => {
    const owner = await createAuthUser(db.sql);
    await sharedPrompt(owner);
    for (const query of [
      'select id, user_id, forked_from, content from public.shared_prompts',
      `select id from public.shared_prompts where content ilike '%politely%'`,
      'select * from public.prompts',
      'select prompt_id, version, created_by, commit_message from public.prompt_versions',
      'select * from public.prompt_labels',
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
  });

  it('read one public prompt by its id, at its shared version, with only what its page shows', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await sharedPrompt(owner);
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = 'v3: a private draft' where id = ${id}`);
    const rows = await asActor(db.sql, 'anon', (tx) => tx`select * from public.read_public_prompt(${id})`);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['config', 'content', 'description', 'id', 'name', 'shared_label', 'tags', 'title', 'updated_at', 'version']);
    expect(rows[0]).toMatchObject({ id, version: 2, content: 'v2: Reply politely to {{name}}', shared_label: 'production' });
  });

  it('read nothing for a private or missing prompt (the two look the same)', async () => {
    const owner = await createAuthUser(db.sql);
    const hidden = await sharedPrompt(owner, false);
    for (const id of [hidden, crypto.randomUUID()]) {
      expect(await asActor(db.sql, 'anon', (tx) => tx`select * from public.read_public_prompt(${id})`)).toEqual([]);
    }
  });

  it('signed-in users still read the public library through the view', async () => {
    const [owner, reader] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const id = await sharedPrompt(owner);
    const rows = await asActor(db.sql, reader, (tx) => tx`select id, version from public.shared_prompts where id = ${id}`);
    expect(rows).toEqual([{ id, version: 2 }]);
  });
});
