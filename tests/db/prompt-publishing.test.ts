// A public prompt is shared at one version, its shared label's (else its newest), driven
// directly as the API roles, exactly what the Data API would do: other people read that version
// and nothing else — another account through prompt_versions, prompt_labels,
// public.shared_prompts and the library search, an anonymous visitor through
// public.read_public_prompt (by id; it may read no prompt table); the owner keeps every draft.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** v1 (notes that must stay private, labelled staging), v2 (a draft), v3 (labelled production). */
async function promptWithDrafts(owner: AuthUser): Promise<string> {
  return await asActor(db.sql, owner, async (tx) => {
    const [p] = await tx`insert into public.prompts (user_id, title, content) values (${owner.id}, 'Support reply', 'v1: internal notes, customer ACME pays 40k') returning id`;
    await tx`update public.prompts set content = 'v2: still a draft' where id = ${p!.id}`;
    await tx`update public.prompts set content = 'v3: Reply politely to {{name}}' where id = ${p!.id}`;
    await tx`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'staging', 1), (${p!.id}, 'production', 3)`;
    return p!.id as string;
  });
}

const versionsSeenBy = async (actor: Actor, id: string) =>
  (await asActor(db.sql, actor, (tx) => tx`select version from public.prompt_versions where prompt_id = ${id} order by version`)).map((r) => r.version);
const labelsSeenBy = async (actor: Actor, id: string) =>
  (await asActor(db.sql, actor, (tx) => tx`select label from public.prompt_labels where prompt_id = ${id} order by label`)).map((r) => r.label);
const sharedSeenBy = async (actor: Actor, id: string) =>
  (await asActor(db.sql, actor, (tx) => actor === 'anon'
    ? tx`select version, title, content, shared_label from public.read_public_prompt(${id})`
    : tx`select version, title, content, shared_label from public.shared_prompts where id = ${id}`))[0] ?? null;
const rowsSeenBy = async (actor: Actor, id: string) =>
  (await asActor(db.sql, actor, (tx) => tx`select content from public.prompts where id = ${id}`)).map((r) => r.content);
const share = (owner: AuthUser, id: string, label: string | null) =>
  asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = true, shared_label = ${label} where id = ${id}`);
const save = (owner: AuthUser, id: string, content: string) =>
  asActor(db.sql, owner, (tx) => tx`update public.prompts set content = ${content} where id = ${id}`);

describe('a prompt shared at a label', () => {
  it('another account and anonymous visitors see exactly its version; a draft saved after stays the owner\'s', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await promptWithDrafts(owner);
    await share(owner, id, 'production');
    await save(owner, id, 'v4: WIP half-written draft');

    for (const actor of [stranger, 'anon'] as Actor[]) {
      expect(await sharedSeenBy(actor, id)).toEqual({ version: 3, title: 'Support reply', content: 'v3: Reply politely to {{name}}', shared_label: 'production' });
    }
    expect(await versionsSeenBy(stranger, id)).toEqual([3]);
    expect(await labelsSeenBy(stranger, id)).toEqual(['production']);
    // The row holds the newest text (and its search vector): other people do not read it at all.
    expect(await rowsSeenBy(stranger, id)).toEqual([]);
    const leaked = await asActor(db.sql, stranger, (tx) => tx`
      select content from public.prompt_versions where prompt_id = ${id} and (content like '%ACME%' or content like '%WIP%')`);
    expect(leaked).toEqual([]);
    // The owner has everything, and sees what visitors see.
    expect(await versionsSeenBy(owner, id)).toEqual([1, 2, 3, 4]);
    expect(await labelsSeenBy(owner, id)).toEqual(['production', 'staging']);
    expect(await rowsSeenBy(owner, id)).toEqual(['v4: WIP half-written draft']);
    expect((await sharedSeenBy(owner, id))?.version).toBe(3);

    // Moving the label is the release: then, and only then, visitors see v4.
    await asActor(db.sql, owner, (tx) => tx`update public.prompt_labels set version = 4 where prompt_id = ${id} and label = 'production'`);
    expect(await versionsSeenBy(stranger, id)).toEqual([4]);
    for (const actor of [stranger, 'anon'] as Actor[]) {
      expect((await sharedSeenBy(actor, id))?.content).toBe('v4: WIP half-written draft');
    }
  });

  it('the library search does not find a public prompt by words only its unshared draft holds', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await promptWithDrafts(owner);
    await share(owner, id, 'production');
    await save(owner, id, 'v4: mention the zanzibarquux discount');
    const search = (word: string) => asActor(db.sql, stranger, (tx) =>
      tx`select public.search_prompt_page_ids(to_tsquery('simple', ${word}), ${`%${word}%`}, true, null, null, null, 50) as id`);
    expect(await search('zanzibarquux')).toEqual([]);
    await asActor(db.sql, owner, (tx) => tx`update public.prompt_labels set version = 4 where prompt_id = ${id} and label = 'production'`);
    expect(await search('zanzibarquux')).toEqual([{ id }]);
  });

  it('keeps its label while shared, refuses a label the prompt lacks, and forgets it when made private', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await promptWithDrafts(owner);
    await expect(share(owner, id, 'nope')).rejects.toThrow(/no label "nope"/);
    await share(owner, id, 'production');
    await expect(asActor(db.sql, owner, (tx) => tx`delete from public.prompt_labels where prompt_id = ${id} and label = 'production'`))
      .rejects.toThrow(/version visitors see/);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.prompt_labels set label = 'prod' where prompt_id = ${id} and label = 'production'`))
      .rejects.toThrow(/version visitors see/);
    // Other labels come and go as before.
    await asActor(db.sql, owner, (tx) => tx`delete from public.prompt_labels where prompt_id = ${id} and label = 'staging'`);

    const [hidden] = await asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = false where id = ${id} returning shared_label`);
    expect(hidden!.shared_label).toBeNull();
    expect(await versionsSeenBy(stranger, id)).toEqual([]);
    expect(await sharedSeenBy('anon', id)).toBeNull();
    await asActor(db.sql, owner, (tx) => tx`delete from public.prompt_labels where prompt_id = ${id} and label = 'production'`);
    // Private at a label is not a thing; deleting a shared prompt takes its label with it.
    await expect(asActor(db.sql, owner, (tx) => tx`update public.prompts set shared_label = 'production' where id = ${id}`)).resolves.toBeDefined();
    const other = await promptWithDrafts(owner);
    await share(owner, other, 'production');
    await asActor(db.sql, owner, (tx) => tx`delete from public.prompts where id = ${other}`);
  });

  it('another account cannot share or unshare the owner\'s prompt, nor read a private one through the view', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await promptWithDrafts(owner);
    expect(await sharedSeenBy(stranger, id)).toBeNull();
    const changed = await asActor(db.sql, stranger, (tx) => tx`update public.prompts set is_public = true where id = ${id} returning id`);
    expect(changed).toEqual([]);
    expect(await sharedSeenBy('anon', id)).toBeNull();
    await share(owner, id, 'production');
    const moved = await asActor(db.sql, stranger, (tx) => tx`update public.prompt_labels set version = 1 where prompt_id = ${id} returning id`);
    expect(moved).toEqual([]);
    expect((await sharedSeenBy(stranger, id))?.version).toBe(3);
  });
});

describe('a prompt shared at its newest version (no label)', () => {
  it('shows others only the newest version, each save as it is made', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const id = await promptWithDrafts(owner);
    await share(owner, id, null);
    expect(await versionsSeenBy(stranger, id)).toEqual([3]);
    expect(await labelsSeenBy(stranger, id)).toEqual(['production']);
    expect((await sharedSeenBy('anon', id))?.version).toBe(3);
    await save(owner, id, 'v4: Reply kindly to {{name}}');
    expect(await versionsSeenBy(stranger, id)).toEqual([4]);
    expect(await labelsSeenBy(stranger, id)).toEqual([]);
    for (const actor of [stranger, 'anon'] as Actor[]) {
      expect((await sharedSeenBy(actor, id))?.content).toBe('v4: Reply kindly to {{name}}');
    }
    // Unsharing hides all; a fork can only point at a prompt its author may read.
    await asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = false where id = ${id}`);
    expect(await versionsSeenBy(stranger, id)).toEqual([]);
    await expect(asActor(db.sql, stranger, (tx) => tx`
      insert into public.prompts (user_id, title, content, forked_from) values (${stranger.id}, 'Copy', 'x', ${id})`)).rejects.toThrow(/forked_from/);
    await share(owner, id, null);
    await asActor(db.sql, stranger, (tx) => tx`
      insert into public.prompts (user_id, title, content, forked_from) values (${stranger.id}, 'Copy', 'x', ${id})`);
  });
});
