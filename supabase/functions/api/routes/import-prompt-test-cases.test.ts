// A prompt's saved test cases (the playground's) travel with it: GET /me/export lists them under
// each prompt and POST /import/prompts writes them back, within a bound per request (400
// too_many_test_cases) and the account's quota of test cases, so a hostile file cannot make
// unbounded rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await api?.close();
});

const testCases = async (user: ApiUser, promptId: string) =>
  ((await (await user.request('GET', `/prompts/${promptId}/test-cases`)).json()) as { test_cases: { name: string; variables: unknown; message: string }[] }).test_cases
    .map(({ name, variables, message }) => ({ name, variables, message }));
const caseCount = async (user: ApiUser) => (await api.db.sql`select count(*)::int as n from public.prompt_test_cases where user_id = ${user.id}`)[0]!.n;

describe("a prompt's test cases in the export and the import", () => {
  it('come back when an export is imported into another account', async () => {
    const alice = await api.createUser();
    const created = await alice.request('POST', '/prompts', { title: 'Round', content: 'r1 {{n:number|3}} {{who}}' });
    const prompt = (await created.json()) as { id: string };
    await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'r2 {{n:number|3}} {{who}}' });
    for (const body of [{ name: 'case1', variables: { n: 5, who: 'Ada' } }, { name: 'with message', variables: { who: 'Grace' }, message: 'Hello there' }]) {
      expect((await alice.request('POST', `/prompts/${prompt.id}/test-cases`, body)).status).toBe(200);
    }
    const exported = await (await alice.request('GET', '/me/export')).json();
    const [item] = exported.prompts;
    expect(item.test_cases).toEqual([
      { name: 'case1', variables: { n: 5, who: 'Ada' }, message: '', created_at: expect.any(String), updated_at: expect.any(String) },
      { name: 'with message', variables: { who: 'Grace' }, message: 'Hello there', created_at: expect.any(String), updated_at: expect.any(String) },
    ]);

    const bob = await api.createUser();
    const imported = await (await bob.request('POST', '/import/prompts', { prompts: exported.prompts })).json();
    expect(imported.results[0]).toMatchObject({ status: 'imported', versions: 2 });
    expect(await testCases(bob, imported.results[0].prompt_id)).toEqual(await testCases(alice, prompt.id));
  });

  it('are bounded per request and by the account quota; a bad case skips its prompt with the reason', async () => {
    const eve = await api.createUser();
    const cases = (n: number, tag = 'c') => Array.from({ length: n }, (_, i) => ({ name: `${tag}${i}` }));
    const tooMany = await eve.request('POST', '/import/prompts', {
      prompts: [{ title: 'A', content: 'a', test_cases: cases(150) }, { title: 'B', content: 'b', test_cases: cases(51) }],
    });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toMatchObject({ code: 'too_many_test_cases', test_cases: 201, max_test_cases: 200 });
    expect(await caseCount(eve)).toBe(0);

    const results = (await (await eve.request('POST', '/import/prompts', {
      prompts: [
        // Two with one name: the later is kept, as saving a case by a name replaces it.
        { title: 'Dup', content: 'd', test_cases: [{ name: 'same', message: 'first' }, { name: 'same', message: 'second' }] },
        { title: 'Bad', content: 'b', test_cases: [{ name: 'nested', variables: { x: { deep: true } } }] },
        { title: 'Blank', content: 'b', test_cases: [{ name: '   ' }] },
      ],
    })).json()).results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['imported', 'skipped', 'skipped']);
    expect(results[1].reason).toMatch(/^test_cases\.0\.variables/);
    expect(results[2].reason).toMatch(/^test_cases\.0\.name/);
    expect(await testCases(eve, results[0].prompt_id)).toEqual([{ name: 'same', variables: {}, message: 'second' }]);

    // The account's quota of test cases (10,000) holds for an import: a request of the most
    // cases it may carry fills it, and a prompt whose cases would pass it is skipped. (The
    // filler is written without its triggers, which count the rows one insert at a time.)
    const [{ id: own }] = await api.db.sql<{ id: string }[]>`select id from public.prompts where user_id = ${eve.id} limit 1`;
    await api.db.sql.begin(async (sql) => {
      await sql`set local session_replication_role = replica`;
      await sql`insert into public.prompt_test_cases (prompt_id, user_id, name) select ${own}, ${eve.id}, 'filler ' || i from generate_series(1, 9_799) i`;
    });
    const most = (await (await eve.request('POST', '/import/prompts', { prompts: [{ title: 'Most', content: 'm', test_cases: cases(200) }] })).json()).results[0];
    expect(most, most.reason).toMatchObject({ status: "imported" });
    const late = (await (await eve.request('POST', '/import/prompts', { prompts: [{ title: 'Late', content: 'l', test_cases: cases(1) }] })).json()).results[0];
    expect(late).toMatchObject({ status: 'skipped', reason: expect.stringContaining('10,000 prompt test cases per account') });
    expect(await caseCount(eve)).toBe(10_000);
  }, 60_000);
});
