// Where each call came from (QA2 #3) and what a deleted project cost (QA2 #8): a call made with
// an API key — through the gateway, or a chat sent with it — names the key in its usage row
// (the web app's calls name none); usage groups by key and says each recent call's source; a
// revoked key stays listed as revoked with what it spent, and stays refused; a key is marked
// used only by calls it was allowed to make; a deleted project's calls keep its name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { openAiSdk } from '../../../../tests/helpers/openai-sdk.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { MODEL_PRICES: JSON.stringify({ 'demo/*': { input: 3, output: 7 } }) } });
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };

const sdk = (apiKey: string) => openAiSdk(api, apiKey);

async function createKey(user: ApiUser, name: string, scopes: string[]) {
  const res = await user.request('POST', '/api-keys', { name, scopes });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

const listKeys = async (user: ApiUser) =>
  (await (await user.request('GET', '/api-keys')).json()).keys as {
    id: string; name: string; revoked_at: string | null; last_used_at: string | null; calls: number; cost_usd: number; unpriced_calls: number;
  }[];

/** A chat turn to its end; the answer's id. */
async function chat(user: ApiUser | null, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const res = user
    ? await user.request('POST', '/chat', { ...demo, message, ...extra }, headers)
    : await api.request('POST', '/chat', { ...demo, message, ...extra }, headers);
  expect(res.status).toBe(200);
  const events = await readSse(res);
  expect(events.at(-1)?.event).toBe('done');
  const id = events[0].data.assistant_message_id as string;
  await eventually(async () => (await api.db.sql`select 1 from public.prompt_usage_logs where message_id = ${id}`)[0]);
  return id;
}

describe('usage by source', () => {
  it('names the key on gateway and key-sent chat calls, none on the web app, in the report, the summary, recent calls and the CSV', async () => {
    const alice = await api.createUser();
    const sdkKey = await createKey(alice, 'sdk', ['chat']);
    const client = sdk(sdkKey.key);
    await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }] });
    const stream = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const chunk of stream) void chunk;
    const byKey = await chat(null, 'From a script', { authorization: `Bearer ${sdkKey.key}` });
    const fromWeb = await chat(alice, 'From the app');

    // The stream's log is written as it ends, after the SDK has read [DONE].
    await eventually(async () => (await api.db.sql`select count(*)::int as n from public.prompt_usage_logs where user_id = ${alice.id}`)[0]!.n === 4);
    const all = await api.db.sql<{ message_id: string | null; api_key_id: string | null }[]>`
      select message_id, api_key_id from public.prompt_usage_logs where user_id = ${alice.id} order by executed_at`;
    expect(all).toHaveLength(4);
    expect(all.filter((l) => l.api_key_id === sdkKey.id)).toHaveLength(3);
    expect(all.find((l) => l.message_id === byKey)?.api_key_id).toBe(sdkKey.id);
    expect(all.find((l) => l.message_id === fromWeb)?.api_key_id).toBeNull();

    const report = await (await alice.request('GET', '/usage?group_by=api_key')).json();
    const groups = report.groups.map((g: { key: string; calls: number; api_key_id: string | null; api_key_name: string | null; api_key_revoked: boolean }) =>
      [g.key, g.calls, g.api_key_id, g.api_key_name, g.api_key_revoked]);
    expect(groups).toEqual([[sdkKey.id, 3, sdkKey.id, 'sdk', false], ['web', 1, null, null, false]]);

    const summary = await (await alice.request('GET', '/usage/summary')).json();
    expect(summary.by_api_key.map((g: { api_key_name: string | null; calls: number }) => [g.api_key_name, g.calls])).toEqual([['sdk', 3], [null, 1]]);
    const recent = summary.recent as { message_id: string | null; api_key_id: string | null; api_key_name: string | null; api_key_revoked: boolean }[];
    expect(recent.filter((c) => c.api_key_name === 'sdk')).toHaveLength(3);
    expect(recent.find((c) => c.message_id === fromWeb)).toMatchObject({ api_key_id: null, api_key_name: null, api_key_revoked: false });
    // Two keys may share a name: each group and call also carries its key's prefix, as the key list shows it (QA 6 #12).
    const prefix = sdkKey.key.slice(0, 12);
    expect(summary.by_api_key.map((g: { api_key_prefix: string | null }) => g.api_key_prefix)).toEqual([prefix, null]);
    expect(recent.filter((c) => (c as { api_key_prefix?: string | null }).api_key_prefix === prefix)).toHaveLength(3);

    const csv = await (await alice.request('GET', '/usage/export')).text();
    const [header, ...rows] = csv.replace('\ufeff', '').trim().split('\n');
    // What each call was for follows the key (QA 6 #6): the gateway's two, then the chat's.
    // The key's prefix, as the Usage table shows it, and who asked come last (a sheet reading by position keeps its columns).
    expect(header!.endsWith(',project_deleted,api_key_id,api_key_name,purpose,reasoning_tokens,api_key_prefix,asked_by')).toBe(true);
    const cells = (r: string) => r.split(',');
    expect(rows.filter((r) => r.includes(`,${sdkKey.id},sdk,`)).map((r) => cells(r).slice(-4, -3).concat(cells(r).slice(-2, -1)))).toEqual([
      ['gateway', prefix], ['gateway', prefix], ['chat', prefix],
    ]);
    expect(rows.filter((r) => !r.includes(sdkKey.id)).map((r) => cells(r).at(-2))).toEqual(['']);
  });

  it('keeps a revoked key listed, revoked, with what it spent; it stays refused and cannot be brought back', async () => {
    const alice = await api.createUser();
    const leaked = await createKey(alice, 'leaked', ['chat']);
    const client = sdk(leaked.key);
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: `Call ${i}` }] });
    const [{ spent }] = await api.db.sql`select sum(cost_usd)::float8 as spent from public.prompt_usage_logs where api_key_id = ${leaked.id}`;
    expect(spent).toBeGreaterThan(0);

    expect((await alice.request('DELETE', `/api-keys/${leaked.id}`)).status).toBe(204);
    await expect(client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Again' }] })).rejects.toMatchObject({ status: 401 });
    const [listed] = (await listKeys(alice)).filter((k) => k.id === leaked.id);
    expect(listed).toMatchObject({ name: 'leaked', calls: 3, unpriced_calls: 0, revoked_at: expect.any(String) });
    expect(listed!.cost_usd).toBeCloseTo(spent, 12);
    // Revoking again changes nothing: the first time stands.
    expect((await alice.request('DELETE', `/api-keys/${leaked.id}`)).status).toBe(204);
    expect((await listKeys(alice)).find((k) => k.id === leaked.id)?.revoked_at).toBe(listed!.revoked_at);
    // Usage still names it, as revoked.
    const report = await (await alice.request('GET', '/usage?group_by=api_key')).json();
    expect(report.groups).toEqual([expect.objectContaining({ api_key_id: leaked.id, api_key_name: 'leaked', api_key_revoked: true, calls: 3 })]);
    // The owner cannot bring it back, even directly as the Data API would (the trigger refuses).
    const claims = JSON.stringify({ sub: alice.id, role: 'authenticated', aal: 'aal1' });
    await expect(api.db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      await tx`set local role authenticated`;
      await tx`update public.api_keys set revoked_at = null where id = ${leaked.id}`;
    })).rejects.toThrow(/stays revoked/);
    await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('does not count revoked keys toward the 50 working keys', async () => {
    const alice = await api.createUser();
    await api.db.sql`
      insert into public.api_keys (user_id, name, prefix, key_hash, scopes, revoked_at)
      select ${alice.id}, 'old ' || i, 'mrp_abcdefgh', sha256(convert_to(gen_random_uuid()::text, 'utf8')), array['chat'], case when i <= 10 then now() end
        from generate_series(1, 59) i`;
    // 59 made, 10 of them revoked: 49 working, room for one.
    expect((await alice.request('POST', '/api-keys', { name: 'new', scopes: ['chat'] })).status).toBe(201);
    const refused = await alice.request('POST', '/api-keys', { name: 'one more', scopes: ['chat'] });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('too_many_keys');
  });

  it('marks a key used only by calls it was allowed to make', async () => {
    const alice = await api.createUser();
    const reader = await createKey(alice, 'readonly', ['prompts:read']);
    await expect(sdk(reader.key).chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi' }] }))
      .rejects.toMatchObject({ status: 403 });
    await expect(sdk(reader.key).models.list()).rejects.toMatchObject({ status: 403 });
    expect((await listKeys(alice)).find((k) => k.id === reader.id)?.last_used_at).toBeNull();
    expect((await api.request('GET', '/prompts', undefined, { authorization: `Bearer ${reader.key}` })).status).toBe(200);
    expect((await listKeys(alice)).find((k) => k.id === reader.id)?.last_used_at).not.toBeNull();
  });
});

describe('usage of a deleted project', () => {
  it("keeps the deleted project's id and name on its calls, in the report, the summary and the CSV", async () => {
    const alice = await api.createUser();
    const research = await (await alice.request('POST', '/projects', { name: 'Research' })).json();
    const session = await (await alice.request('POST', '/sessions', { title: 'T', project_id: research.id })).json();
    await chat(alice, 'One', {}, { session_id: session.id });
    await chat(alice, 'Two', {}, { session_id: session.id });
    await chat(alice, 'Outside');
    const before = await (await alice.request('GET', '/usage?group_by=project')).json();

    expect((await alice.request('DELETE', `/projects/${research.id}`)).status).toBe(204);
    const after = await (await alice.request('GET', '/usage?group_by=project')).json();
    const shown = (groups: { key: string; calls: number; cost_usd: number; project_name: string | null; project_deleted: boolean }[]) =>
      groups.map((g) => [g.key, g.calls, g.cost_usd, g.project_name, g.project_deleted]);
    expect(shown(after.groups)).toEqual([[research.id, 2, expect.any(Number), 'Research', true], ['none', 1, expect.any(Number), null, false]]);
    // The same calls and dollars as before the deletion, only marked deleted.
    expect(shown(after.groups).map((g) => g.slice(0, 4))).toEqual(shown(before.groups).map((g) => g.slice(0, 4)));
    const summary = await (await alice.request('GET', '/usage/summary')).json();
    expect(summary.by_project[0]).toMatchObject({ project_id: research.id, project_name: 'Research', project_deleted: true, calls: 2 });
    const csv = await (await alice.request('GET', '/usage/export')).text();
    expect(csv.split('\n').filter((line) => line.includes(`,${research.id},Research,`) && line.includes(',true,'))).toHaveLength(2);
    // The link itself is gone (the project is), and the owner cannot write the kept columns.
    const [row] = await api.db.sql`select count(*) filter (where project_id is null and deleted_project_id = ${research.id})::int as kept
                                     from public.prompt_usage_logs where user_id = ${alice.id}`;
    expect(row!.kept).toBe(2);
  });
});
