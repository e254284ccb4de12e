// prompts: private ones are the owner's alone; public ones are readable by everyone and
// still editable only by their owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function createPrompt(owner: AuthUser, isPublic: boolean, title = 'A prompt'): Promise<string> {
  const [row] = await db.sql`insert into public.prompts (user_id, title, content, is_public)
    values (${owner.id}, ${title}, 'Hello {{name|world}}', ${isPublic}) returning id`;
  return row.id;
}

async function visibleIds(actor: Parameters<typeof asActor>[1], ids: string[]): Promise<string[]> {
  const rows = await asActor(db.sql, actor, (tx) => tx`select id from public.prompts where id in ${tx(ids)} order by title`);
  return rows.map((r) => r.id);
}

describe('prompts: owner', () => {
  it('creates, reads, edits and deletes their own private prompt', async () => {
    const owner = await createAuthUser(db.sql);
    const result = await asActor(db.sql, owner, async (tx) => {
      const [created] = await tx`insert into public.prompts (user_id, title, content, tags)
        values (${owner.id}, 'Mine', 'Do {{thing}}', ${['writing', 'c++']}) returning id, is_public, latest_version`;
      const seen = await tx`select id from public.prompts where id = ${created.id}`;
      const updated = await tx`update public.prompts set description = 'better' where id = ${created.id} returning id`;
      const deleted = await tx`delete from public.prompts where id = ${created.id} returning id`;
      return { isPublic: created.is_public, version: created.latest_version, seen: seen.length, updated: updated.length, deleted: deleted.length };
    });
    expect(result).toEqual({ isPublic: false, version: 1, seen: 1, updated: 1, deleted: 1 });
  });

  it('cannot forge latest_version', async () => {
    const owner = await createAuthUser(db.sql);
    const [row] = await asActor(db.sql, owner, (tx) => tx`insert into public.prompts (user_id, title, content, latest_version)
      values (${owner.id}, 'Forged', 'x', 42) returning latest_version`);
    expect(row.latest_version).toBe(1);
  });

  it('moves revision on every edit and refuses an edit that writes back a stale revision', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner, false);
    const run = <T,>(fn: (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => Promise<T>) => asActor(db.sql, owner, fn);
    // An edit that says nothing about revision is not checked, and still moves it.
    const [described] = await run((tx) => tx`update public.prompts set description = 'A' where id = ${id} returning revision, latest_version`);
    expect(described).toEqual({ revision: 2, latest_version: 1 });
    // Stating the revision the edit started from: current goes through, stale is refused.
    const [tagged] = await run((tx) => tx`update public.prompts set tags = ${['x']}, revision = 2 where id = ${id} returning revision`);
    expect(tagged.revision).toBe(3);
    await expect(run((tx) => tx`update public.prompts set description = 'B', revision = 2 where id = ${id}`))
      .rejects.toMatchObject({ code: 'MRP01' });
    await expect(run((tx) => tx`update public.prompts set is_public = true, revision = 99 where id = ${id}`))
      .rejects.toMatchObject({ code: 'MRP01' });
    const [row] = await db.sql`select description, tags, is_public, revision from public.prompts where id = ${id}`;
    expect(row).toEqual({ description: 'A', tags: ['x'], is_public: false, revision: 3 });
    // A new prompt starts at 1 whatever the insert says.
    const [made] = await run((tx) => tx`insert into public.prompts (user_id, title, content, revision) values (${owner.id}, 't', 'c', 50) returning revision`);
    expect(made.revision).toBe(1);
  });

  it('is held to the constraints on title, content and tags', async () => {
    const owner = await createAuthUser(db.sql);
    const insert = (title: string, content: string, tags: string[]) => asActor(db.sql, owner, (tx) =>
      tx`insert into public.prompts (user_id, title, content, tags) values (${owner.id}, ${title}, ${content}, ${tags})`);
    await expect(insert('   ', 'x', [])).rejects.toThrow(/check constraint/);
    await expect(insert('x'.repeat(201), 'x', [])).rejects.toThrow(/check constraint/);
    await expect(insert('ok', '', [])).rejects.toThrow(/check constraint/);
    await expect(insert('ok', 'x', ['Upper'])).rejects.toThrow(/check constraint/);
    await expect(insert('ok', 'x', ['has,comma'])).rejects.toThrow(/check constraint/);
    await expect(insert('ok', 'x', ['two words'])).rejects.toThrow(/check constraint/);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.prompts (user_id, title, content, tags)
      values (${owner.id}, 'ok', 'x', array['fine', null])`)).rejects.toThrow(/check constraint/);
    const [ok] = await asActor(db.sql, owner, (tx) => tx`insert into public.prompts (user_id, title, content, tags)
      values (${owner.id}, 'ok', 'x', ${['c++', 'node.js', 'c#', 'a_b-c']}) returning tags`);
    expect(ok.tags).toEqual(['c++', 'node.js', 'c#', 'a_b-c']);
    await expect(insert('ok', 'x', Array.from({ length: 21 }, (_, i) => `t${i}`))).rejects.toThrow(/check constraint/);
    // `null` is a tag like any other (the array's text form quotes it); a missing element is not.
    const [nullTag] = await asActor(db.sql, owner, (tx) => tx`insert into public.prompts (user_id, title, content, tags)
      values (${owner.id}, 'ok', 'x', ${['null', 'a', 'null-ish']}) returning tags`);
    expect(nullTag.tags).toEqual(['null', 'a', 'null-ish']);
    await expect(insert('ok', 'x', ['NULL'])).rejects.toThrow(/check constraint/);
    await expect(insert('ok', 'x', ['"null"'])).rejects.toThrow(/check constraint/);
  });
});

describe('prompts: visibility', () => {
  it('a private prompt is invisible to everyone but its owner', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await createPrompt(owner, false);
    expect(await visibleIds(owner, [id])).toEqual([id]);
    expect(await visibleIds(stranger, [id])).toEqual([]);
    await expect(visibleIds('anon', [id])).rejects.toThrow(PERMISSION_DENIED);
    expect(await visibleIds('service_role', [id])).toEqual([id]);
  });

  it('a public prompt is visible to everyone, to other accounts through public.shared_prompts, to anonymous visitors by id only', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await createPrompt(owner, true);
    for (const actor of [owner, stranger, 'service_role'] as const) {
      const shared = await asActor(db.sql, actor, (tx) => tx`select id from public.shared_prompts where id = ${id}`);
      expect(shared.map((r) => r.id)).toEqual([id]);
    }
    const opened = await asActor(db.sql, 'anon', (tx) => tx`select id from public.read_public_prompt(${id})`);
    expect(opened.map((r) => r.id)).toEqual([id]);
    // The row holds the owner's newest text, drafts included (tests/db/prompt-publishing.test.ts).
    for (const actor of [owner, 'service_role'] as const) expect(await visibleIds(actor, [id])).toEqual([id]);
    expect(await visibleIds(stranger, [id])).toEqual([]);
    await expect(visibleIds('anon', [id])).rejects.toThrow(PERMISSION_DENIED);
  });

  it('a public prompt is editable and deletable only by its owner', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await createPrompt(owner, true, 'Original');
    const result = await asActor(db.sql, stranger, async (tx) => ({
      updated: (await tx`update public.prompts set title = 'Defaced' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.prompts where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ updated: 0, deleted: 0 });
    for (const query of [`update public.prompts set title = 'Defaced' where id = '${id}'`, `delete from public.prompts where id = '${id}'`]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
    const [row] = await db.sql`select title from public.prompts where id = ${id}`;
    expect(row.title).toBe('Original');
  });
});

describe('prompts: another user', () => {
  it("cannot create a prompt owned by someone else or take one over", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.prompts (user_id, title, content)
      values (${owner.id}, 'Planted', 'x')`)).rejects.toThrow(RLS_VIOLATION);
    const mine = await createPrompt(stranger, false);
    await expect(asActor(db.sql, stranger, (tx) => tx`update public.prompts set user_id = ${owner.id} where id = ${mine}`))
      .rejects.toThrow(RLS_VIOLATION);
  });

  it('can fork a public prompt but not a private one', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const publicId = await createPrompt(owner, true);
    const privateId = await createPrompt(owner, false);
    const [fork] = await asActor(db.sql, stranger, (tx) => tx`insert into public.prompts (user_id, title, content, forked_from)
      values (${stranger.id}, 'Fork', 'x', ${publicId}) returning forked_from`);
    expect(fork.forked_from).toBe(publicId);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.prompts (user_id, title, content, forked_from)
      values (${stranger.id}, 'Fork', 'x', ${privateId})`)).rejects.toThrow(/forked_from must be a prompt you can read/);
  });
});

describe('prompts: anonymous', () => {
  it('cannot write', async () => {
    const owner = await createAuthUser(db.sql);
    await expect(asActor(db.sql, 'anon', (tx) => tx`insert into public.prompts (user_id, title, content, is_public)
      values (${owner.id}, 'x', 'x', true)`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('prompts: service role', () => {
  it('inserts, updates and deletes any prompt', async () => {
    const owner = await createAuthUser(db.sql);
    const id = await createPrompt(owner, false);
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      inserted: (await tx`insert into public.prompts (user_id, title, content) values (${owner.id}, 'By service', 'x') returning id`).length,
      updated: (await tx`update public.prompts set is_public = true where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.prompts where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ inserted: 1, updated: 1, deleted: 1 });
  });
});

describe('prompts: search and tags', () => {
  it('finds prompts by words in title, description or content, and by tag', async () => {
    const owner = await createAuthUser(db.sql);
    const [row] = await db.sql`insert into public.prompts (user_id, title, description, content, tags)
      values (${owner.id}, 'Haiku maker', 'Seasonal poems', 'Write about {{topic}} in seventeen syllables', ${['poetry']})
      returning id`;
    const search = (q: string) => asActor(db.sql, owner, (tx) => tx`select id from public.prompts
      where search @@ websearch_to_tsquery('simple', ${q})`);
    expect((await search('haiku')).map((r) => r.id)).toEqual([row.id]);
    expect((await search('seasonal')).map((r) => r.id)).toEqual([row.id]);
    expect((await search('syllables')).map((r) => r.id)).toEqual([row.id]);
    const tagged = await asActor(db.sql, owner, (tx) => tx`select id from public.prompts
      where tags @> ${['poetry']} and user_id = ${owner.id}`);
    expect(tagged.map((r) => r.id)).toEqual([row.id]);
  });
});

describe('prompts: the seeded starter library', () => {
  it('is public, owned by the system user, and uses variables with defaults', async () => {
    const reader = await createAuthUser(db.sql);
    const rows = await asActor(db.sql, reader, (tx) => tx`select title, content, tags from public.shared_prompts
      where user_id = '00000000-0000-4000-8000-000000000001'`);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      expect(row.content).toMatch(/\{\{[a-z_]+\}\}/);
      expect(row.tags.length).toBeGreaterThan(0);
    }
    expect(rows.some((r) => /\{\{[a-z_]+\|[^}]*\}\}/.test(r.content))).toBe(true);
  });

  it('has a system user that cannot sign in, with a profile', async () => {
    const [user] = await db.sql`select u.email, u.encrypted_password, p.display_name
      from auth.users u join public.profiles p on p.id = u.id
      where u.id = '00000000-0000-4000-8000-000000000001'`;
    expect(user).toEqual({ email: 'system@mrprompt.local', encrypted_password: '', display_name: 'Mr.Prompt' });
  });

  it('changes nothing when run again', async () => {
    const snapshot = () => db.sql`select
      (select count(*)::int from auth.users) as users,
      (select count(*)::int from public.prompts) as prompts,
      (select count(*)::int from public.prompt_versions) as versions,
      (select string_agg(md5(title || content), ',' order by id) from public.prompts) as digest`;
    const [before] = await snapshot();
    await db.sql.file('supabase/seed.sql');
    await db.sql.file('supabase/seed.sql');
    const [after] = await snapshot();
    expect(after).toEqual(before);
  });
});

describe('prompts: substring search', () => {
  it('has pg_trgm in the extensions schema and answers a substring search from its index', async () => {
    const owner = await createAuthUser(db.sql);
    await createPrompt(owner, false, 'Weekly Summary');
    const [ext] = await db.sql`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`;
    expect(ext?.nspname).toBe('extensions');
    // The search's expressions match their indexes (shown here without RLS, whose own indexes
    // win on a table this small): name, title and description as columns, the template's first
    // 4,096 characters (20261206090000_bound_prompt_search.sql); the authenticated role can
    // still call prompts_search_text.
    const plan = await db.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      const fields = await tx`explain select id from public.prompts p where (p.name || E'\n' || p.title || E'\n' || p.description) ilike '%mmar%'`;
      const head = await tx`explain select id from public.prompts p where substr(p.content, 1, 4096) ilike '%mmar%'`;
      return [...fields, ...head];
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('prompts_search_fields_trgm_idx');
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('prompts_content_head_trgm_idx');
    const found = await asActor(db.sql, owner, (tx) => tx`select title from public.prompts p where user_id = ${owner.id} and public.prompts_search_text(p) ilike '%mmar%'`);
    expect(found.map((r) => r.title)).toEqual(['Weekly Summary']);
  });
});
