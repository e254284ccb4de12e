// A prompt's history: versions list/get and paging, restore, labels; IDOR and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** A prompt with versions 1..n, whose content is `v1`, `v2`, … */
async function promptWithVersions(user: ApiUser, n: number, body: Record<string, unknown> = {}) {
  const created = await (await user.request('POST', '/prompts', { title: 'T', content: 'v1', ...body })).json();
  for (let v = 2; v <= n; v++) {
    const res = await user.request('PATCH', `/prompts/${created.id}`, { content: `v${v}`, commit_message: `edit ${v}` });
    expect(res.status).toBe(200);
  }
  return created.id as string;
}

describe('prompt versions', () => {
  it('walks all of 120 versions with the default page size, each once and in order', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 120);
    const seen: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await alice.request('GET', `/prompts/${id}/versions${cursor ? `?cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page: { versions: { version: number }[]; next_cursor: string | null } = await res.json();
      sizes.push(page.versions.length);
      seen.push(...page.versions.map((v) => v.version));
      cursor = page.next_cursor;
    } while (cursor);
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
  });

  it('lists the history without the texts: 50 versions of 20 KB are a few KB, and each reads in full on demand', async () => {
    const alice = await api.createUser();
    const body = (v: number) => `\n  Version ${v}: summarise {{topic}} for {{reader|a newcomer}}.\n${'x'.repeat(20_000)}`;
    const created = await (await alice.request('POST', '/prompts', { title: 'Big', content: body(1) })).json();
    for (let v = 2; v <= 50; v++) {
      expect((await alice.request('PATCH', `/prompts/${created.id}`, { content: body(v), commit_message: `edit ${v}` })).status).toBe(200);
    }
    expect((await alice.request('PUT', `/prompts/${created.id}/labels/production`, { version: 48 })).status).toBe(200);
    expect((await alice.request('PUT', `/prompts/${created.id}/labels/staging`, { version: 48 })).status).toBe(200);

    const full = await (await alice.request('GET', `/prompts/${created.id}/versions`)).text();
    const light = await (await alice.request('GET', `/prompts/${created.id}/history`)).text();
    const page = JSON.parse(light);
    expect(page.versions).toHaveLength(50);
    expect(page.versions[0]).toEqual({
      id: expect.any(String), prompt_id: created.id, version: 50, title: 'Big', commit_message: 'edit 50',
      created_by: alice.id, created_at: expect.any(String), chars: body(50).length,
      first_line: 'Version 50: summarise {{topic}} for {{reader|a newcomer}}.', labels: [], config: {},
      variables: [
        { name: 'topic', type: 'string', options: [], default: null, required: true },
        { name: 'reader', type: 'string', options: [], default: 'a newcomer', required: false },
      ],
    });
    expect(page.versions[2]).toMatchObject({ version: 48, labels: ['production', 'staging'] });
    // What the prompt page's history transfers: about 1 MB before, a few KB now.
    console.info(`history of 50 versions × 20 KB: /versions ${full.length} bytes, /history ${light.length} bytes`);
    expect(full.length).toBeGreaterThan(1_000_000);
    expect(light.length).toBeLessThan(40_000);
    // One version in full, when asked for.
    expect(await (await alice.request('GET', `/prompts/${created.id}/versions/48`)).json()).toMatchObject({ version: 48, content: body(48) });
  });

  it('pages the light history with the same cursors, and hides it as the prompt is hidden', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const id = await promptWithVersions(alice, 5);
    const first = await (await alice.request('GET', `/prompts/${id}/history?limit=2`)).json();
    const second = await (await alice.request('GET', `/prompts/${id}/history?limit=3&cursor=${first.next_cursor}`)).json();
    expect([...first.versions, ...second.versions].map((v: { version: number }) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(second.next_cursor).toBeNull();
    expect(first.versions[0]).not.toHaveProperty('content');
    expect((await bob.request('GET', `/prompts/${id}/history`)).status).toBe(404);
    // The first line of a template written with Windows line ends, after blank lines.
    const crlf = await (await alice.request('POST', '/prompts', { title: 'T', content: '\r\n \r\n  First line\r\nsecond' })).json();
    const [only] = (await (await alice.request('GET', `/prompts/${crlf.id}/history`)).json()).versions;
    expect(only.first_line).toBe('First line');
    // Each version's saved model settings, which the playground runs it with.
    const tuned = await (await alice.request('POST', '/prompts', { title: 'T', content: 'c1', config: { provider: 'demo', model: 'demo-model', temperature: 0.3 } })).json();
    await alice.request('PATCH', `/prompts/${tuned.id}`, { content: 'c2', config: {} });
    const tunedHistory = (await (await alice.request('GET', `/prompts/${tuned.id}/history`)).json()).versions;
    expect(tunedHistory.map((v: { config: unknown }) => v.config)).toEqual([{}, { provider: 'demo', model: 'demo-model', temperature: 0.3 }]);
  });

  it('lists versions newest first in pages, and gets one', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 5);
    const first = await (await alice.request('GET', `/prompts/${id}/versions?limit=2`)).json();
    expect(first.versions.map((v: { version: number }) => v.version)).toEqual([5, 4]);
    const second = await (await alice.request('GET', `/prompts/${id}/versions?limit=2&cursor=${first.next_cursor}`)).json();
    const third = await (await alice.request('GET', `/prompts/${id}/versions?limit=2&cursor=${second.next_cursor}`)).json();
    expect([...second.versions, ...third.versions].map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(third.next_cursor).toBeNull();

    const v3 = await alice.request('GET', `/prompts/${id}/versions/3`);
    expect(await v3.json()).toMatchObject({ prompt_id: id, version: 3, content: 'v3', commit_message: 'edit 3', variables: [] });
    expect((await alice.request('GET', `/prompts/${id}/versions/9`)).status).toBe(404);
    for (const bad of ['0', 'abc', '1.5', '99999999999']) {
      expect((await alice.request('GET', `/prompts/${id}/versions/${bad}`)).status, bad).toBe(400);
    }
  });

  it('restores an old version as a new version', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 3);
    const res = await alice.request('POST', `/prompts/${id}/restore`, { version: 1 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ latest_version: 4, content: 'v1' });
    const v4 = await (await alice.request('GET', `/prompts/${id}/versions/4`)).json();
    expect(v4).toMatchObject({ content: 'v1', commit_message: 'Restored version 1' });
    expect((await alice.request('POST', `/prompts/${id}/restore`, { version: 7 })).status).toBe(404);
    expect((await alice.request('POST', `/prompts/${id}/restore`, { version: '1' })).status).toBe(400);
  });

  it("brings back the version's model settings with its text", async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1, { config: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 } });
    const changed = await alice.request('PATCH', `/prompts/${id}`, { config: { model: 'gpt-4o', max_tokens: 50 } });
    expect(await changed.json()).toMatchObject({ latest_version: 2, content: 'v1' });
    const restored = await alice.request('POST', `/prompts/${id}/restore`, { version: 1 });
    expect(await restored.json()).toMatchObject({ latest_version: 3, config: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 } });
    const v3 = await (await alice.request('GET', `/prompts/${id}/versions/3`)).json();
    expect(v3.config).toEqual({ provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 });
    // What resolves as the latest version is what version 1 was.
    const name = (await (await alice.request('GET', `/prompts/${id}`)).json()).name;
    const resolved = await (await alice.request('GET', `/prompts/resolve?name=${name}`)).json();
    expect(resolved).toMatchObject({ version: 3, config: { model: 'gpt-4o-mini', temperature: 0.2 } });
  });

  it("lets others read a public prompt's history but not restore it; private history is 404", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await promptWithVersions(alice, 2, { is_public: true });
    const secret = await promptWithVersions(alice, 2);
    // The version others see: shared without a label, the newest (v2) and only it; null while private.
    expect((await (await alice.request('GET', `/prompts/${shared}`)).json()).published_version).toBe(2);
    expect((await (await alice.request('GET', `/prompts/${secret}`)).json()).published_version).toBeNull();
    await alice.request('PATCH', `/prompts/${secret}`, { is_public: true });
    expect((await (await alice.request('GET', `/prompts/${secret}`)).json()).published_version).toBe(2);
    await alice.request('PATCH', `/prompts/${secret}`, { is_public: false });
    const versions = await (await bob.request('GET', `/prompts/${shared}/versions`)).json();
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    expect((await bob.request('GET', `/prompts/${shared}/versions/2`)).status).toBe(200);
    expect((await bob.request('GET', `/prompts/${shared}/versions/1`)).status).toBe(404);
    expect((await bob.request('POST', `/prompts/${shared}/restore`, { version: 2 })).status).toBe(403);
    expect((await bob.request('GET', `/prompts/${secret}/versions`)).status).toBe(404);
    expect((await bob.request('GET', `/prompts/${secret}/versions/1`)).status).toBe(404);
    expect((await bob.request('POST', `/prompts/${secret}/restore`, { version: 1 })).status).toBe(404);
  });
});

describe('prompt labels', () => {
  it('puts, moves, lists with the prompt and deletes a label', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 3);
    const put = await alice.request('PUT', `/prompts/${id}/labels/production`, { version: 2 });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ label: 'production', version: 2 });
    await alice.request('PUT', `/prompts/${id}/labels/staging`, { version: 3 });
    await alice.request('PUT', `/prompts/${id}/labels/production`, { version: 1 });
    const prompt = await (await alice.request('GET', `/prompts/${id}`)).json();
    expect(prompt.labels.map((l: { label: string; version: number }) => [l.label, l.version])).toEqual([
      ['production', 1],
      ['staging', 3],
    ]);
    expect((await alice.request('DELETE', `/prompts/${id}/labels/staging`)).status).toBe(204);
    expect((await alice.request('DELETE', `/prompts/${id}/labels/staging`)).status).toBe(404);
  });

  it('refuses a version that does not exist and bad label names', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    const missing = await alice.request('PUT', `/prompts/${id}/labels/production`, { version: 5 });
    expect(missing.status).toBe(422);
    expect((await missing.json()).error.code).toBe('unknown_version');
    for (const label of ['Prod', '-x', 'a'.repeat(41), 'has%20space']) {
      expect((await alice.request('PUT', `/prompts/${id}/labels/${label}`, { version: 1 })).status, label).toBe(400);
    }
    expect((await alice.request('PUT', `/prompts/${id}/labels/prod`, { version: 1, extra: true })).status).toBe(400);
    expect((await alice.request('PUT', `/prompts/${id}/labels/prod`, {})).status).toBe(400);
  });

  it("never lets another user label someone else's prompt", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await promptWithVersions(alice, 1, { is_public: true });
    const secret = await promptWithVersions(alice, 1);
    await alice.request('PUT', `/prompts/${shared}/labels/production`, { version: 1 });
    expect((await bob.request('PUT', `/prompts/${shared}/labels/production`, { version: 1 })).status).toBe(403);
    expect((await bob.request('DELETE', `/prompts/${shared}/labels/production`)).status).toBe(403);
    expect((await bob.request('PUT', `/prompts/${secret}/labels/production`, { version: 1 })).status).toBe(404);
    // Public labels are visible with the prompt.
    const seen = await (await bob.request('GET', `/prompts/${shared}`)).json();
    expect(seen.labels).toEqual([expect.objectContaining({ label: 'production', version: 1 })]);
  });
});

describe('edits from two tabs (expected_version)', () => {
  it('refuses a save based on an older version with 409, saving nothing, and names the current version', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    // Both tabs opened version 1; the first one saves.
    const first = await alice.request('PATCH', `/prompts/${id}`, { content: 'tab A', expected_version: 1 });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ latest_version: 2, content: 'tab A' });
    const second = await alice.request('PATCH', `/prompts/${id}`, { content: 'tab B', tags: ['b'], expected_version: 1 });
    expect(second.status).toBe(409);
    expect((await second.json()).error).toMatchObject({ code: 'version_conflict', latest_version: 2, expected_version: 1 });
    expect(await (await alice.request('GET', `/prompts/${id}`)).json()).toMatchObject({ latest_version: 2, content: 'tab A', tags: [] });
    // Based on the current version, the same edit goes through.
    const retried = await alice.request('PATCH', `/prompts/${id}`, { content: 'tab B', expected_version: 2 });
    expect(await retried.json()).toMatchObject({ latest_version: 3, content: 'tab B' });
    // Without expected_version a write applies to whatever is current (as before).
    expect((await alice.request('PATCH', `/prompts/${id}`, { content: 'no check' })).status).toBe(200);
    for (const bad of [0, -1, 1.5, '3']) {
      expect((await alice.request('PATCH', `/prompts/${id}`, { content: 'x', expected_version: bad })).status, String(bad)).toBe(400);
    }
  });

  it('lets exactly one of two simultaneous saves of the same version win', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    const results = await Promise.all(
      ['left', 'right'].map((content) => alice.request('PATCH', `/prompts/${id}`, { content, expected_version: 1 })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const versions = (await (await alice.request('GET', `/prompts/${id}/versions`)).json()).versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('refuses a stale edit of the description, tags or visibility too (expected_revision)', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    const opened = await (await alice.request('GET', `/prompts/${id}`)).json();
    expect(opened).toMatchObject({ latest_version: 1, revision: 1 });
    // Tab A changes only the description: no new version, but a new revision.
    const first = await alice.request('PATCH', `/prompts/${id}`, { description: 'from tab A', expected_revision: opened.revision });
    expect(await first.json()).toMatchObject({ latest_version: 1, revision: 2, description: 'from tab A' });
    // Tab B, opened at the same time, changes the tags and visibility: refused, nothing saved.
    for (const patch of [{ description: 'from tab B' }, { tags: ['b'] }, { is_public: true }]) {
      const stale = await alice.request('PATCH', `/prompts/${id}`, { ...patch, expected_revision: opened.revision, expected_version: 1 });
      expect(stale.status, JSON.stringify(patch)).toBe(409);
      expect((await stale.json()).error).toMatchObject({ code: 'version_conflict', revision: 2, latest_version: 1, expected_revision: 1 });
    }
    expect(await (await alice.request('GET', `/prompts/${id}`)).json()).toMatchObject({ description: 'from tab A', tags: [], is_public: false, revision: 2 });
    // A restore from the stale state is refused the same way; from the current one it goes through.
    expect((await alice.request('POST', `/prompts/${id}/restore`, { version: 1, expected_revision: 1 })).status).toBe(409);
    const retried = await alice.request('PATCH', `/prompts/${id}`, { description: 'from tab B', expected_revision: 2 });
    expect(await retried.json()).toMatchObject({ description: 'from tab B', revision: 3 });
    for (const bad of [0, 1.5, '3']) {
      expect((await alice.request('PATCH', `/prompts/${id}`, { description: 'x', expected_revision: bad })).status, String(bad)).toBe(400);
    }
  });

  it('an older client sending only expected_version keeps its template check and cannot put back a description changed elsewhere', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1, { description: 'first', tags: ['a'] });
    // The old client read v1 (description "first"); a newer client then changes the description.
    expect((await alice.request('PATCH', `/prompts/${id}`, { description: 'from the new tab', expected_revision: 1 })).status).toBe(200);
    // The old client saves its whole form: new template, the description and tags it read.
    const stale = await alice.request('PATCH', `/prompts/${id}`, { content: 'old client', description: 'first', tags: ['a'], expected_version: 1 });
    expect(stale.status).toBe(428);
    expect((await stale.json()).error).toMatchObject({ code: 'revision_required', fields: ['description'], revision: 2, latest_version: 1 });
    expect(await (await alice.request('GET', `/prompts/${id}`)).json())
      .toMatchObject({ content: 'v1', description: 'from the new tab', latest_version: 1, revision: 2 });
    // The same client changing visibility or the name is asked for the revision too.
    for (const patch of [{ is_public: true }, { name: 'renamed' }, { tags: ['b'] }]) {
      expect((await alice.request('PATCH', `/prompts/${id}`, { ...patch, expected_version: 1 })).status, JSON.stringify(patch)).toBe(428);
    }
    // Template edits that leave the rest as it is now still work with expected_version alone
    // (tags in another order are the same tags), and a stale version is still a 409.
    const edit = await alice.request('PATCH', `/prompts/${id}`, { content: 'old client', description: 'from the new tab', tags: ['a'], expected_version: 1 });
    expect(await edit.json()).toMatchObject({ content: 'old client', description: 'from the new tab', latest_version: 2 });
    expect((await alice.request('PATCH', `/prompts/${id}`, { content: 'again', expected_version: 1 })).status).toBe(409);
    // With the revision, a new client changes them; with neither, a write is unconditional (as before).
    const current = await (await alice.request('GET', `/prompts/${id}`)).json();
    expect((await alice.request('PATCH', `/prompts/${id}`, { description: 'new', expected_version: 2, expected_revision: current.revision })).status).toBe(200);
    expect((await alice.request('PATCH', `/prompts/${id}`, { description: 'no check' })).status).toBe(200);
  });

  it('lets exactly one of two simultaneous description edits of the same revision win', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    const results = await Promise.all(
      ['left', 'right'].map((description) => alice.request('PATCH', `/prompts/${id}`, { description, expected_revision: 1 })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await (await alice.request('GET', `/prompts/${id}`)).json()).revision).toBe(2);
  });

  it('answers a version number past what the database holds with 400, not 500', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    const huge = 99_999_999_999;
    const cursor = Buffer.from(JSON.stringify({ v: huge })).toString('base64url');
    for (const [method, path, body] of [
      ['POST', `/prompts/${id}/restore`, { version: huge }],
      ['PUT', `/prompts/${id}/labels/production`, { version: huge }],
      ['POST', `/prompts/${id}/render`, { version: huge }],
      ['POST', `/prompts/${id}/render`, { version: 2_147_483_648 }],
      ['GET', `/prompts/${id}/versions?cursor=${cursor}`, undefined],
    ] as const) {
      const res = await alice.request(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    }
    expect((await alice.request('POST', `/prompts/${id}/render`, { version: 2_147_483_647 })).status).toBe(404);
  });

  it('refuses a restore based on an older version', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 3);
    const stale = await alice.request('POST', `/prompts/${id}/restore`, { version: 1, expected_version: 2 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe('version_conflict');
    expect((await (await alice.request('GET', `/prompts/${id}`)).json()).latest_version).toBe(3);
    const fresh = await alice.request('POST', `/prompts/${id}/restore`, { version: 1, expected_version: 3 });
    expect(await fresh.json()).toMatchObject({ latest_version: 4, content: 'v1' });
  });
});

describe('prompt versions: the quota (20261207000000_enforce_row_quotas_for_every_writer.sql)', () => {
  it('a text change past the 10,000th version is a 409 limit_reached that says what to do, and changes nothing', async () => {
    const alice = await api.createUser();
    const id = await promptWithVersions(alice, 1);
    // Its history as if edited 9,999 times (the version numbers are what the quota reads).
    await api.db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update public.prompts set latest_version = 10000 where id = ${id}`;
    });
    const res = await alice.request('PATCH', `/prompts/${id}`, { content: 'one more' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'limit_reached', message: 'There can be at most 10,000 prompt versions per prompt; save the text as a new prompt to go on' } });
    expect(await (await alice.request('GET', `/prompts/${id}`)).json()).toMatchObject({ content: 'v1', latest_version: 10000 });
  });
});
