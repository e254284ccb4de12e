// A prompt shared at a label looks unchanged to other people while its owner saves drafts
// (security review 12, finding 1): another account's GET /prompts/{id}, a signed-out visitor's
// GET /public/prompts/{id} and the public library's order (newest change first, searched or
// not) follow the shared version, not the owner's row. The database holds the same
// (tests/db/prompt-shared-times.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** A prompt labelled production at v1 and shared at it, tagged so a test lists only its own. */
async function shareAtProduction(owner: ApiUser, title: string, tag: string): Promise<string> {
  const created = await (await owner.request('POST', '/prompts', { title, content: `${title} v1 quillwort`, tags: [tag] })).json();
  expect((await owner.request('PUT', `/prompts/${created.id}/labels/production`, { version: 1 })).status).toBe(200);
  expect((await owner.request('PATCH', `/prompts/${created.id}`, { is_public: true, expected_revision: created.revision })).status).toBe(200);
  return created.id as string;
}

const publicOrder = async (viewer: ApiUser, tag: string) =>
  (await (await viewer.request('GET', `/prompts?scope=public&tag=${tag}`)).json()).prompts.map((p: { title: string }) => p.title);

describe('a shared prompt while its owner saves unshared drafts', () => {
  it('keeps its revision, time and place in the public library for everyone else', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const tag = `t${crypto.randomUUID().slice(0, 8)}`;
    const alpha = await shareAtProduction(alice, 'Alpha', tag);
    await shareAtProduction(alice, 'Beta', tag);
    const seen = async () => {
      const { revision, updated_at, content } = await (await bob.request('GET', `/prompts/${alpha}`)).json();
      const visitor = await (await api.request('GET', `/public/prompts/${alpha}`)).json();
      return { revision, updated_at, content, visitor: visitor.updated_at, order: await publicOrder(bob, tag) };
    };
    const before = await seen();
    expect(before).toMatchObject({ content: 'Alpha v1 quillwort', order: ['Beta', 'Alpha'] });

    for (const draft of ['private draft 1', 'private draft 2']) {
      expect((await alice.request('PATCH', `/prompts/${alpha}`, { content: draft })).status).toBe(200);
    }
    expect(await seen()).toEqual(before);
    // The owner's own view moves on.
    const own = await (await alice.request('GET', `/prompts/${alpha}`)).json();
    expect(own.revision).toBeGreaterThan(before.revision);
    expect(own.updated_at > before.updated_at).toBe(true);
  });

  it('pages a public search in the same order as the list, not by the owner\'s last edit', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const tag = `t${crypto.randomUUID().slice(0, 8)}`;
    const alpha = await shareAtProduction(alice, 'Alpha', tag);
    await shareAtProduction(alice, 'Beta', tag);
    // Moves Alpha's row time past Beta's without sharing anything new.
    expect((await alice.request('PATCH', `/prompts/${alpha}`, { description: 'Now with a description' })).status).toBe(200);
    expect(await publicOrder(bob, tag)).toEqual(['Beta', 'Alpha']);
    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/prompts?scope=public&tag=${tag}&q=quillwort&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await (await bob.request('GET', query)).json();
      titles.push(...page.prompts.map((p: { title: string }) => p.title));
      cursor = page.next_cursor;
    } while (cursor);
    expect(titles).toEqual(['Beta', 'Alpha']);
  });
});
