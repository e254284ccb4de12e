// /api/prompts CRUD: create with version 1, list mine/public with a word search, a tag filter
// and stable pages, patch with versions, delete, IDOR and malformed input. More search: search.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../../tests/helpers/api.ts';
import { createPrompt, listIds } from '../../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

describe('prompts CRUD', () => {
  it('creates a prompt as version 1 with its variables and normalised tags', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { tags: ['Writing', 'writing', 'summary'], commit_message: 'First draft' });
    expect(prompt).toMatchObject({
      title: 'Summarise',
      latest_version: 1,
      is_owner: true,
      is_public: false,
      forked_from: null,
      tags: ['writing', 'summary'],
      user_id: alice.id,
      variables: [
        { name: 'text', default: null, required: true },
        { name: 'words', default: '50', required: false },
      ],
      labels: [],
    });
    const versions = await (await alice.request('GET', `/prompts/${prompt.id}/versions`)).json();
    expect(versions.versions).toEqual([expect.objectContaining({ version: 1, commit_message: 'First draft' })]);
  });

  it('takes a template of the full 100,000 characters in any script, though that is more than other bodies may be', async () => {
    const alice = await api.createUser();
    // 100,000 CJK characters are 300 KB of JSON, emoji 400 KB: over the 256 KiB other routes take.
    const cjk = `${'漢'.repeat(99_990)} {{name}}`;
    const created = await alice.request('POST', '/prompts', { title: '長い', description: '說明'.repeat(1000), content: cjk });
    expect(created.status).toBe(201);
    const prompt = await created.json();
    expect(prompt.content).toBe(cjk);
    const emoji = `${'🙂'.repeat(99_990)} {{name}}`;
    const edited = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: emoji });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ latest_version: 2, variables: [{ name: 'name' }] });
    expect((await (await alice.request('GET', `/prompts/${prompt.id}/versions/2`)).json()).content).toBe(emoji);
    // One character more is the template's own limit, not the body's.
    const over = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: '🙂'.repeat(100_001) });
    expect(over.status).toBe(400);
    // In words, with the lengths (QA9 #3: Zod's "Too big: expected string to have <=100000 characters").
    expect((await over.json()).error.message).toBe('content: This template is 100,001 characters; a template can be at most 100,000.');
    // Far past any prompt, or on another route, the body limit holds.
    expect((await alice.request('PATCH', `/prompts/${prompt.id}`, { content: '🙂'.repeat(200_000) })).status).toBe(413);
    expect((await alice.request('POST', '/projects', { name: 'x', description: '漢'.repeat(100_000) })).status).toBe(413);
  });

  it('takes the tag `null` like any other, and filters by it', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { tags: ['NULL', 'x'] });
    expect(prompt.tags).toEqual(['null', 'x']);
    const res = await alice.request('PATCH', `/prompts/${prompt.id}`, { tags: ['null'] });
    expect(res.status).toBe(200);
    expect(await listIds(alice, 'tag=null')).toEqual([prompt.id]);
  });

  it('refuses a model name with a control character in the settings, as a chat would', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { config: { model: 'gpt-4o-mini' } });
    for (const model of ['gpt\u0001x', 'gpt\n4o', 'gpt\u0085']) {
      const res = await alice.request('PATCH', `/prompts/${prompt.id}`, { config: { model } });
      expect(res.status, JSON.stringify(model)).toBe(400);
      expect((await res.json()).error.message).toBe('config.model: must not contain control characters');
    }
    expect((await (await alice.request('GET', `/prompts/${prompt.id}`)).json()).config).toEqual({ model: 'gpt-4o-mini' });
    expect((await alice.request('PATCH', `/prompts/${prompt.id}`, { config: { model: 'meta-llama/Llama-3.1-8B' } })).status).toBe(200);
  });

  it('makes a new version only when title or content change', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const tagsOnly = await (await alice.request('PATCH', `/prompts/${prompt.id}`, { tags: ['x'], is_public: true })).json();
    expect(tagsOnly).toMatchObject({ latest_version: 1, tags: ['x'], is_public: true });
    const edited = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'New {{body}}', commit_message: 'Shorter' });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ latest_version: 2, content: 'New {{body}}', variables: [{ name: 'body' }] });
    await alice.request('PATCH', `/prompts/${prompt.id}`, { title: 'Renamed' });
    const versions = (await (await alice.request('GET', `/prompts/${prompt.id}/versions`)).json()).versions;
    expect(versions.map((v: { version: number; commit_message: string | null }) => [v.version, v.commit_message])).toEqual([
      [3, null],
      [2, 'Shorter'],
      [1, 'Initial version'],
    ]);
  });

  it('lists mine and public, with text search and a tag filter', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const word = `zebra${randomUUID().slice(0, 6)}`;
    const mine = await createPrompt(alice, { title: `About ${word}`, tags: ['animals'] });
    const other = await createPrompt(alice, { title: 'Unrelated', tags: ['misc'] });
    const bobsPublic = await createPrompt(bob, { content: `The ${word} public prompt`, is_public: true, tags: ['animals'] });
    const bobsPrivate = await createPrompt(bob, { content: `The ${word} private prompt` });

    expect(await listIds(alice, 'scope=mine')).toEqual([other.id, mine.id]);
    expect(await listIds(alice, `scope=mine&q=${word}`)).toEqual([mine.id]);
    expect(await listIds(alice, 'scope=mine&tag=animals')).toEqual([mine.id]);
    const publicHits = await listIds(alice, `scope=public&q=${word}`);
    expect(publicHits).toEqual([bobsPublic.id]);
    expect(publicHits).not.toContain(bobsPrivate.id);
    expect(await listIds(alice, `scope=public&q=${word}&tag=misc`)).toEqual([]);
    // Empty parameters (as forms send them) mean "no filter".
    expect(await listIds(alice, 'scope=mine&q=&tag=&cursor=')).toEqual([other.id, mine.id]);
  });

  it('lists summaries without the templates: same prompts, filters and pages as the list, a fraction of the bytes', async () => {
    const alice = await api.createUser();
    for (let i = 0; i < 5; i++) {
      await createPrompt(alice, { title: `Long ${i}`, content: `Use {{x}} ${'é'.repeat(50_000)}`, tags: i % 2 ? ['odd'] : [] });
    }
    for (const query of ['limit=2', 'tag=odd', 'q=long']) {
      const full = await (await alice.request('GET', `/prompts?${query}`)).text();
      const light = await (await alice.request('GET', `/prompts/summaries?${query}`)).text();
      const [a, b] = [JSON.parse(full), JSON.parse(light)];
      expect(b.prompts.map((p: { id: string }) => p.id), query).toEqual(a.prompts.map((p: { id: string }) => p.id));
      expect(b.next_cursor, query).toBe(a.next_cursor);
      expect(light.length * 20, query).toBeLessThan(full.length);
    }
    const { prompts } = await (await alice.request('GET', '/prompts/summaries?limit=1')).json();
    expect(prompts[0]).not.toHaveProperty('content');
    expect(prompts[0]).toMatchObject({ title: 'Long 4', chars: 50_010, is_owner: true, variables: [{ name: 'x' }] });
  });

  it('pages stably through prompts that share the same updated_at', async () => {
    const alice = await api.createUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPrompt(alice, { title: `P${i}` })).id);
    // One statement: the updated_at trigger gives every row the same now().
    await api.db.sql`update public.prompts set description = 'same instant' where user_id = ${alice.id}`;
    const [{ instants }] = await api.db.sql`select count(distinct updated_at)::int as instants from public.prompts where user_id = ${alice.id}`;
    expect(instants).toBe(1);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await alice.request('GET', `/prompts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await res.json()) as { prompts: { id: string }[]; next_cursor: string | null };
      seen.push(...body.prompts.map((p) => p.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it("lets others read a public prompt but not change or delete it; private ones are 404", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await createPrompt(alice, { is_public: true });
    const secret = await createPrompt(alice);

    const read = await bob.request('GET', `/prompts/${shared.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: shared.id, is_owner: false });
    for (const [method, body] of [['PATCH', { title: 'Mine' }], ['DELETE', undefined]] as const) {
      const res = await bob.request(method, `/prompts/${shared.id}`, body);
      expect(res.status, method).toBe(403);
      expect((await res.json()).error.code).toBe('forbidden');
    }
    for (const [method, body] of [['GET'], ['PATCH', { title: 'Mine' }], ['DELETE']] as const) {
      const res = await bob.request(method, `/prompts/${secret.id}`, body);
      expect(res.status, method).toBe(404);
    }
    expect(await (await alice.request('GET', `/prompts/${shared.id}`)).json()).toMatchObject({ title: 'Summarise', latest_version: 1 });
  });

  it('deletes a prompt with its history', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    expect((await alice.request('DELETE', `/prompts/${prompt.id}`)).status).toBe(204);
    expect((await alice.request('GET', `/prompts/${prompt.id}`)).status).toBe(404);
    expect((await alice.request('GET', `/prompts/${prompt.id}/versions`)).status).toBe(404);
    const [{ count }] = await api.db.sql`select count(*)::int as count from public.prompt_versions where prompt_id = ${prompt.id}`;
    expect(count).toBe(0);
  });

  it('refuses a template no value could fill (a default of the wrong type, an enum without values), naming each', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const content = 'Give {{n:number|lots}} ideas in a {{tone:enum()}} tone, {{tone}}; {{ok:boolean|yes}} {{style:enum(short,long)|medium}} {{words:number|50}}';
    for (const res of [await alice.request('POST', '/prompts', { title: 'Broken', content }), await alice.request('PATCH', `/prompts/${prompt.id}`, { content })]) {
      expect(res.status).toBe(400);
      expect((await res.json()).error).toEqual({
        code: 'invalid_request',
        message: 'content: the default of `n` must be a number (got "lots"); content: `tone` is an enum with no values: list them, e.g. enum(formal,casual); ' +
          'content: the default of `ok` must be true or false (got "yes"); content: the default of `style` must be one of short, long (got "medium")',
      });
    }
    expect((await (await alice.request('GET', `/prompts/${prompt.id}`)).json()).latest_version).toBe(1);
  });

  it('refuses one variable declared with two different types, which callers could never satisfy', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const content = 'List {{n:number}} tips. Use emoji: {{n:boolean}}. Tone: {{tone:enum(kind,brief)}} or again {{tone:enum(kind,curt)}}.';
    for (const res of [await alice.request('POST', '/prompts', { title: 'Clash', content }), await alice.request('PATCH', `/prompts/${prompt.id}`, { content })]) {
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toBe(
        'content: `n` is declared both as number and as boolean: give every use the same type, or type it once and write {{n}} elsewhere; ' +
          'content: `tone` is declared both as enum(kind,brief) and as enum(kind,curt): give every use the same type, or type it once and write {{tone}} elsewhere',
      );
    }
    // The same type again (enum values in any order), or untyped uses, are fine.
    const same = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: '{{n:number}} {{n:number|3}} {{n}} {{t:enum(a,b)}} {{t:enum(b,a)}}' });
    expect(same.status).toBe(200);
    expect((await same.json()).variables).toEqual([
      { name: 'n', type: 'number', options: [], default: '3', required: true },
      { name: 't', type: 'enum', options: ['a', 'b'], default: null, required: true },
    ]);
  });

  it('answers malformed input with 400 JSON, never 500', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const cases: [string, string, unknown][] = [
      ['POST', '/prompts', { title: 'x' }],
      ['POST', '/prompts', { title: '', content: 'c' }],
      ['POST', '/prompts', { title: 't', content: '   ' }],
      ['POST', '/prompts', { title: 't', content: 'nul \u0000 byte' }],
      ['POST', '/prompts', { title: 't', content: 'c', commit_message: '\u0000' }],
      ['GET', '/prompts?scope=public&q=a%00b', undefined],
      ['POST', '/prompts', { title: 't', content: 'x'.repeat(100_001) }],
      ['POST', '/prompts', { title: 't', content: 'c', tags: ['has space'] }],
      ['POST', '/prompts', { title: 't', content: 'c', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
      ['POST', '/prompts', { title: 't', content: 'c', tags: 'one' }],
      ['POST', '/prompts', { title: 't', content: 'c', is_public: 'yes' }],
      ['POST', '/prompts', { title: 't', content: 'c', latest_version: 9 }],
      ['POST', '/prompts', { title: 't', content: 'c', user_id: randomUUID() }],
      ['PATCH', `/prompts/${prompt.id}`, {}],
      ['PATCH', `/prompts/${prompt.id}`, { forked_from: randomUUID() }],
      ['GET', '/prompts/zzz', undefined],
      ['GET', '/prompts?scope=everyone', undefined],
      ['GET', '/prompts?tag=NOT%20A%20TAG', undefined],
      ['GET', `/prompts?q=${'x'.repeat(201)}`, undefined],
      ['GET', '/prompts?cursor=abc', undefined],
      ['GET', '/prompts?limit=1000', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await alice.request(method, path, body);
      expect(res.status, `${method} ${path.slice(0, 60)} ${JSON.stringify(body)?.slice(0, 60)}`).toBe(400);
      expect((await res.json()).error.code).toMatch(/^invalid_(request|cursor)$/);
    }
    // A body over the API's size limit (for a prompt: room for 100,000 characters) is refused before parsing.
    const huge = await alice.request('POST', '/prompts', { title: 't', content: 'x'.repeat(700 * 1024) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');
    // Search syntax is never an error, whatever the text.
    for (const q of ['"unclosed', '-', 'a & | ! (', "'; drop table prompts; --"]) {
      expect((await alice.request('GET', `/prompts?scope=public&q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
  });
});
