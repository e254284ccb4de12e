// Publishing a prompt shares it from the version current at that moment, never its earlier
// history (issue 10, finding 11), driven directly as the API roles, exactly what the Data
// API would do: drafts stay the owner's, for other users and anonymous visitors alike,
// through prompt_versions and prompt_labels.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asActor, createAuthUser, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

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
const setPublic = (owner: AuthUser, id: string, value: boolean) =>
  asActor(db.sql, owner, (tx) => tx`update public.prompts set is_public = ${value} where id = ${id} returning published_version`);

it('others see the version published and later ones, never the drafts before it', async () => {
  const owner = await createAuthUser(db.sql);
  const stranger = await createAuthUser(db.sql);
  const id = await promptWithDrafts(owner);
  const [published] = await setPublic(owner, id, true);
  expect(published!.published_version).toBe(3);

  for (const actor of [stranger, 'anon'] as Actor[]) {
    expect(await versionsSeenBy(actor, id)).toEqual([3]);
    expect(await labelsSeenBy(actor, id)).toEqual(['production']);
    const leaked = await asActor(db.sql, actor, (tx) => tx`select content from public.prompt_versions where prompt_id = ${id} and content like '%ACME%'`);
    expect(leaked).toEqual([]);
  }
  expect(await versionsSeenBy(owner, id)).toEqual([1, 2, 3]);
  expect(await labelsSeenBy(owner, id)).toEqual(['production', 'staging']);

  // Edits while public are public; unpublishing hides all; publishing again starts anew.
  await asActor(db.sql, owner, (tx) => tx`update public.prompts set content = 'v4: Reply kindly to {{name}}' where id = ${id}`);
  expect(await versionsSeenBy(stranger, id)).toEqual([3, 4]);
  await setPublic(owner, id, false);
  expect(await versionsSeenBy(stranger, id)).toEqual([]);
  const [again] = await setPublic(owner, id, true);
  expect(again!.published_version).toBe(4);
  expect(await versionsSeenBy('anon', id)).toEqual([4]);
});

it('the owner cannot widen what is shared by writing published_version directly', async () => {
  const owner = await createAuthUser(db.sql);
  const stranger = await createAuthUser(db.sql);
  const id = await promptWithDrafts(owner);
  await setPublic(owner, id, true);
  await asActor(db.sql, owner, (tx) => tx`update public.prompts set published_version = 1 where id = ${id}`);
  expect(await versionsSeenBy(stranger, id)).toEqual([3]);
  // Created public: shared from its first version.
  const [fresh] = await asActor(db.sql, owner, (tx) => tx`
    insert into public.prompts (user_id, title, content, is_public, published_version) values (${owner.id}, 'Open', 'hello', true, 99) returning published_version`);
  expect(fresh!.published_version).toBe(1);
});
