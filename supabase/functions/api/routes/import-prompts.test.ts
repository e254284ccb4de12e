// POST /api/import/prompts: an account export's prompts into another account (round trip),
// prompts from other tools, and bad items skipped with a reason while the good ones land.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { asActor } from '../../../../tests/helpers/actors.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

type Version = { version: number; title: string; content: string; config: Record<string, unknown>; commit_message: string | null };

/** A prompt as another client sees it: fields, variables, every version's text, labels. */
async function snapshot(user: ApiUser, id: string) {
  const prompt = await (await user.request('GET', `/prompts/${id}`)).json();
  const { versions } = await (await user.request('GET', `/prompts/${id}/versions?limit=100`)).json();
  return {
    name: prompt.name, title: prompt.title, description: prompt.description, content: prompt.content, tags: prompt.tags,
    config: prompt.config, variables: prompt.variables, latest_version: prompt.latest_version,
    labels: prompt.labels.map(({ label, version, locked }: { label: string; version: number; locked: boolean }) => ({ label, version, locked })),
    versions: (versions as Version[]).map(({ version, title, content, config, commit_message }) => ({ version, title, content, config, commit_message })),
  };
}

async function importPrompts(user: ApiUser, prompts: unknown[]) {
  const res = await user.request('POST', '/import/prompts', { prompts });
  expect(res.status).toBe(200);
  return (await res.json()).results;
}

describe('prompt import', () => {
  it('imports an account export’s prompts into another account: same texts, versions, tags, variables and labels, private', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const created = await (await alice.request('POST', '/prompts', {
      name: 'support-reply', title: 'Support reply', description: 'For the help desk', content: 'Answer {{customer}} kindly.',
      tags: ['support', 'email'], is_public: true, config: { model: 'gpt-4o-mini', temperature: 0.3 },
    })).json();
    await alice.request('PATCH', `/prompts/${created.id}`, { content: 'Answer {{customer}} in a {{tone:enum(kind,brief)|kind}} tone.', commit_message: 'tone' });
    await alice.request('PATCH', `/prompts/${created.id}`, { title: 'Support answer', config: { model: 'gpt-4o', temperature: 0.3 } });
    await alice.request('PUT', `/prompts/${created.id}/labels/production`, { version: 2, locked: true });
    const other = await (await alice.request('POST', '/prompts', { title: 'Short', content: 'Be short.' })).json();

    const exported = await (await alice.request('GET', '/me/export')).json();
    const results = await importPrompts(bob, exported.prompts);
    expect(results.map((r: { status: string }) => r.status)).toEqual(['imported', 'imported']);

    const [first, second] = results;
    const before = await snapshot(alice, created.id);
    const after = await snapshot(bob, first.prompt_id);
    expect(after).toEqual(before);
    expect(await snapshot(bob, second.prompt_id)).toEqual(await snapshot(alice, other.id));
    // Never public on import, and bob's own.
    expect(await (await bob.request('GET', `/prompts/${first.prompt_id}`)).json()).toMatchObject({ is_public: false, is_owner: true });
    expect((await alice.request('GET', `/prompts/${first.prompt_id}`)).status).toBe(404);

    // Importing the same file again adds nothing: each is named as already there.
    const again = await importPrompts(bob, exported.prompts);
    expect(again).toMatchObject([
      { status: 'skipped', prompt_id: first.prompt_id, reason: 'already in your library: a prompt with the same name, title and text' },
      { status: 'skipped', prompt_id: second.prompt_id },
    ]);
    expect((await (await bob.request('GET', '/prompts/summaries?scope=mine')).json()).prompts).toHaveLength(2);
    // Another prompt under a name already used here gets a free name, and the report says so.
    const renamed = await importPrompts(bob, [{ ...exported.prompts[0], versions: undefined, content: 'Something else' }]);
    expect(renamed[0]).toMatchObject({ status: 'imported', renamed_from: 'support-reply' });
    expect(renamed[0].name).not.toBe('support-reply');
  });

  it('keeps each version’s date from the file, and skips a prompt whose dates are not a time from 2000 until now', async () => {
    const bob = await api.createUser();
    const dates = ['2021-03-01T09:30:00.000Z', '2023-11-20T18:05:12.345Z'];
    const [kept, undated, ...refused] = await importPrompts(bob, [
      { title: 'Dated', versions: [
        { version: 1, title: 'Dated', content: 'One', created_at: dates[0] },
        { version: 2, title: 'Dated', content: 'Two', created_at: '2023-11-20T19:05:12.345+01:00' },
      ] },
      { title: 'Undated', versions: [{ version: 1, title: 'Undated', content: 'One', created_at: null }] },
      { title: 'Future', versions: [{ version: 1, title: 'Future', content: 'x', created_at: new Date(Date.now() + 3_600_000).toISOString() }] },
      { title: 'Ancient', versions: [{ version: 1, title: 'Ancient', content: 'x' }, { version: 2, title: 'Ancient', content: 'y', created_at: '1999-12-31T23:59:59Z' }] },
      { title: 'Unreadable', versions: [{ version: 1, title: 'Unreadable', content: 'x', created_at: 'last Tuesday' }] },
    ]);
    expect(kept.status).toBe('imported');
    const { versions } = await (await bob.request('GET', `/prompts/${kept.prompt_id}/versions?limit=10`)).json();
    expect(versions.map((v: { version: number; created_at: string }) => [v.version, new Date(v.created_at).toISOString()]).sort()).toEqual([[1, dates[0]], [2, dates[1]]]);
    // Without a date, a version is dated at import, as before.
    const [fresh] = (await (await bob.request('GET', `/prompts/${undated.prompt_id}/versions`)).json()).versions;
    expect(Date.now() - Date.parse(fresh.created_at)).toBeLessThan(60_000);
    expect(refused.map((r: { status: string; reason: string }) => [r.status, r.reason])).toEqual([
      ['skipped', 'versions.0.created_at: may not be in the future'],
      ['skipped', 'versions.1.created_at: may not be before 2000'],
      ['skipped', 'versions.0.created_at: must be a date and time such as 2024-05-01T12:00:00Z'],
    ]);
    expect((await (await bob.request('GET', '/prompts/summaries?scope=mine')).json()).prompts).toHaveLength(2);
  });

  it('dates an undated version as the dated one before it, and skips a history whose dates go back', async () => {
    const bob = await api.createUser();
    const [gaps, leading, backwards] = await importPrompts(bob, [
      { title: 'Gaps', versions: [
        { version: 1, title: 'Gaps', content: 'One', created_at: '2021-03-01T09:30:00Z' },
        { version: 2, title: 'Gaps', content: 'Two' },
        { version: 3, title: 'Gaps', content: 'Three', created_at: '2022-01-01T00:00:00Z' },
        { version: 4, title: 'Gaps', content: 'Four', created_at: null },
      ] },
      { title: 'Leading', versions: [{ version: 1, title: 'Leading', content: 'One' }, { version: 2, title: 'Leading', content: 'Two', created_at: '2020-05-05T05:05:05Z' }] },
      { title: 'Backwards', versions: [
        { version: 1, title: 'Backwards', content: 'One', created_at: '2023-01-01T00:00:00Z' },
        { version: 2, title: 'Backwards', content: 'Two', created_at: '2022-12-31T23:00:00+00:00' },
      ] },
    ]);
    const dates = async (id: string) => ((await (await bob.request('GET', `/prompts/${id}/versions?limit=10`)).json()).versions as { version: number; created_at: string }[])
      .map((v) => [v.version, new Date(v.created_at).toISOString()]).sort();
    expect(await dates(gaps.prompt_id)).toEqual([
      [1, '2021-03-01T09:30:00.000Z'], [2, '2021-03-01T09:30:00.000Z'], [3, '2022-01-01T00:00:00.000Z'], [4, '2022-01-01T00:00:00.000Z'],
    ]);
    expect(await dates(leading.prompt_id)).toEqual([[1, '2020-05-05T05:05:05.000Z'], [2, '2020-05-05T05:05:05.000Z']]);
    expect([backwards.status, backwards.reason]).toEqual([
      'skipped', 'versions: version 2 is dated 2022-12-31T23:00:00+00:00, before version 1 (2023-01-01T00:00:00Z): dates must not go back as versions rise',
    ]);
    expect((await (await bob.request('GET', '/prompts/summaries?scope=mine')).json()).prompts).toHaveLength(2);
  });

  it('holds the version date’s range in the database, for any writer that sets it', async () => {
    const bob = await api.createUser();
    const user = { id: bob.id, email: bob.email };
    const write = (createdAt: string) => asActor(api.db.sql, user, async (tx) => {
      await tx`select set_config('mrprompt.version_created_at', ${createdAt}, true)`;
      const [row] = await tx`insert into public.prompts (user_id, title, content) values (${bob.id}, 'Direct', 'x') returning id`;
      return (await tx`select created_at from public.prompt_versions where prompt_id = ${row.id}`)[0].created_at as Date;
    });
    await expect(write('2999-01-01T00:00:00Z')).rejects.toMatchObject({ code: '22023', message: "a version's created_at may not be in the future" });
    await expect(write('1970-01-01T00:00:00Z')).rejects.toMatchObject({ code: '22023', message: "a version's created_at may not be before 2000" });
    await expect(write('soon')).rejects.toMatchObject({ code: '22023', message: "a version's created_at must be a date and time" });
    expect((await write('2020-02-02T02:02:02Z')).toISOString()).toBe('2020-02-02T02:02:02.000Z');
    // A dated version may not go back before the prompt's newest one; an edit (dated now) is not checked.
    const [{ id }] = await api.db.sql`insert into public.prompts (user_id, title, content) values (${bob.id}, 'Edited', 'x') returning id`;
    const edit = (createdAt: string, content: string) => asActor(api.db.sql, user, async (tx) => {
      await tx`select set_config('mrprompt.version_created_at', ${createdAt}, true)`;
      await tx`update public.prompts set content = ${content} where id = ${id}`;
    });
    await expect(edit('2020-02-02T02:02:02Z', 'y')).rejects.toMatchObject({ code: '22023', message: "a version's created_at may not be before the version before it" });
    await edit('', 'z');
    expect((await api.db.sql`select version from public.prompt_versions where prompt_id = ${id} order by version`).map((r) => r.version)).toEqual([1, 2]);
  });

  it('skips bad items with the reason and imports the good ones around them', async () => {
    const bob = await api.createUser();
    const results = await importPrompts(bob, [
      { title: 'Good one', content: 'Hello {{name}}' },
      'not a prompt',
      { title: '', content: 'no title' },
      { title: 'No template' },
      { title: 'Bad tag', content: 'x', tags: ['Has Space'] },
      { title: 'Bad slot', content: 'Count {{n:integer}}' },
      { title: 'Huge', content: 'x'.repeat(100_001) },
      { title: 'Twice labelled', content: 'y', labels: [{ label: 'prod', version: 1 }, { label: 'prod', version: 1 }] },
      { title: 'Good two', content: 'Bye', description: null, tags: null, id: 'ignored', user_id: 'ignored', is_public: true },
    ]);
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'imported', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'imported',
    ]);
    expect(results[1]).toMatchObject({ index: 1, title: null, reason: expect.any(String) });
    expect(results[3].reason).toMatch(/no template/);
    expect(results[4].reason).toMatch(/tags/);
    expect(results[5].reason).toMatch(/integer/);
    expect(results[7]).toMatchObject({ title: 'Twice labelled', reason: 'a label appears twice' });
    const list = await (await bob.request('GET', '/prompts')).json();
    expect(list.prompts.map((p: { title: string; is_public: boolean }) => [p.title, p.is_public]).sort()).toEqual([['Good one', false], ['Good two', false]]);
  });

  it('takes a request of several full-size prompts (2 MB), and refuses one over 8 MiB with 413', async () => {
    const bob = await api.createUser();
    const big = Array.from({ length: 20 }, (_, i) => ({ title: `Big ${i}`, content: `${i} ${'x'.repeat(99_990)}` }));
    const results = await importPrompts(bob, big);
    expect(results.every((r: { status: string }) => r.status === 'imported')).toBe(true);
    const tooBig = Array.from({ length: 90 }, (_, i) => ({ title: `Big ${i}`, content: 'x'.repeat(99_990) }));
    const res = await bob.request('POST', '/import/prompts', { prompts: tooBig });
    expect(res.status).toBe(413);
  });

  it('answers a request that is not a list of prompts, or too many, with 400 and imports nothing', async () => {
    const bob = await api.createUser();
    for (const body of [{}, { prompts: [] }, { prompts: 'x' }, { prompts: Array.from({ length: 101 }, () => ({ title: 't', content: 'c' })) }]) {
      expect((await bob.request('POST', '/import/prompts', body)).status).toBe(400);
    }
    expect((await (await bob.request('GET', '/prompts')).json()).prompts).toEqual([]);
  });
});
