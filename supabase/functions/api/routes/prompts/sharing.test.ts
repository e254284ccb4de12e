// A shared prompt is shared at a label (QA12 finding 6): a prompt engineer keeps saving drafts
// while clients and colleagues use `production`. Per actor: the owner chooses and sees the
// label; another account reads, renders, searches and forks that version only; a signed-out
// visitor's page (GET /public/prompts/{id}) shows it. The database enforces the same
// (tests/db/prompt-publishing.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** QA12's steps: `PROD text {{x}}` labelled production as v1, then made public, then a draft saved as v2. */
async function sharedWithDraft(owner: ApiUser) {
  const created = await (await owner.request('POST', '/prompts', { title: 'Agency brief', content: 'PROD text {{x}}' })).json();
  expect((await owner.request('PUT', `/prompts/${created.id}/labels/production`, { version: 1 })).status).toBe(200);
  const shared = await owner.request('PATCH', `/prompts/${created.id}`, { is_public: true, expected_revision: created.revision });
  expect(await shared.json()).toMatchObject({ is_public: true, shared_label: 'production', published_version: 1 });
  expect((await owner.request('PATCH', `/prompts/${created.id}`, { content: 'WIP half-written draft {{x}}' })).status).toBe(200);
  return created.id as string;
}

describe('a prompt shared at production while its owner saves drafts', () => {
  it('the owner sees the draft as the newest version and production as what visitors see', async () => {
    const alice = await api.createUser();
    const id = await sharedWithDraft(alice);
    const own = await (await alice.request('GET', `/prompts/${id}`)).json();
    expect(own).toMatchObject({ content: 'WIP half-written draft {{x}}', latest_version: 2, published_version: 1, shared_label: 'production' });
    // The shared label stays while shared; moving it is the release.
    const removed = await alice.request('DELETE', `/prompts/${id}/labels/production`);
    expect(removed.status).toBe(409);
    expect((await removed.json()).error.code).toBe('label_shared');
    expect((await alice.request('PATCH', `/prompts/${id}`, { shared_label: 'nope' })).status).toBe(400);
    await alice.request('PUT', `/prompts/${id}/labels/production`, { version: 2 });
    expect((await (await api.request('GET', `/public/prompts/${id}`)).json()).content).toBe('WIP half-written draft {{x}}');
  });

  it('another account reads, renders, lists, searches and forks production, never the draft', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const id = await sharedWithDraft(alice);
    const seen = await (await bob.request('GET', `/prompts/${id}`)).json();
    expect(seen).toMatchObject({ content: 'PROD text {{x}}', latest_version: 1, published_version: 1, is_owner: false });
    expect(seen.labels.map((l: { label: string }) => l.label)).toEqual(['production']);
    const rendered = await (await bob.request('POST', `/prompts/${id}/render`, { variables: { x: 'a' } })).json();
    expect(rendered).toMatchObject({ rendered: 'PROD text a', version: 1 });
    expect((await bob.request('POST', `/prompts/${id}/render`, { variables: { x: 'a' }, version: 2 })).status).toBe(404);
    expect((await bob.request('GET', `/prompts/${id}/versions/2`)).status).toBe(404);
    const listed = await (await bob.request('GET', '/prompts?scope=public&limit=100')).json();
    expect(listed.prompts.find((p: { id: string }) => p.id === id)).toMatchObject({ content: 'PROD text {{x}}', latest_version: 1 });
    const searched = await (await bob.request('GET', '/prompts?scope=public&q=half-written')).json();
    expect(searched.prompts.map((p: { id: string }) => p.id)).not.toContain(id);

    const fork = await bob.request('POST', `/prompts/${id}/fork`);
    expect(fork.status).toBe(201);
    const copy = await fork.json();
    expect(copy).toMatchObject({ content: 'PROD text {{x}}', forked_from: id, is_owner: true });
    const history = await (await bob.request('GET', `/prompts/${copy.id}/versions`)).json();
    expect(history.versions[0].commit_message).toBe('Forked from "Agency brief" version 1');
  });

  it('a signed-out visitor sees production and which label it is', async () => {
    const alice = await api.createUser();
    const id = await sharedWithDraft(alice);
    const res = await api.request('GET', `/public/prompts/${id}`);
    expect(await res.json()).toMatchObject({ content: 'PROD text {{x}}', latest_version: 1, shared_label: 'production' });
  });

  it('a prompt without production is shared at its newest version, each save public, as before', async () => {
    const alice = await api.createUser();
    const created = await (await alice.request('POST', '/prompts', { title: 'Open', content: 'first', is_public: true })).json();
    expect(created).toMatchObject({ shared_label: null, published_version: 1 });
    await alice.request('PATCH', `/prompts/${created.id}`, { content: 'second' });
    expect(await (await api.request('GET', `/public/prompts/${created.id}`)).json()).toMatchObject({ content: 'second', latest_version: 2 });
    // The owner can choose the newest version on a prompt that has production, and back.
    const id = await sharedWithDraft(alice);
    const newest = await (await alice.request('PATCH', `/prompts/${id}`, { shared_label: null })).json();
    expect(newest).toMatchObject({ shared_label: null, published_version: 2 });
    expect((await (await api.request('GET', `/public/prompts/${id}`)).json()).content).toBe('WIP half-written draft {{x}}');
    const hidden = await (await alice.request('PATCH', `/prompts/${id}`, { is_public: false })).json();
    expect(hidden).toMatchObject({ shared_label: null, published_version: null });
    expect((await alice.request('PATCH', `/prompts/${id}`, { shared_label: 'production' })).status).toBe(400);
  });
});
