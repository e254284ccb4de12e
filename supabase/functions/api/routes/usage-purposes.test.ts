// What each call was for and what its tokens were made of (QA 6 #6, #13): a chat's answer, the
// call that names a new chat, the OpenAI-compatible API and its streams are each logged with
// their purpose and with the reasoning tokens the provider reported (beside the cached ones it
// already kept), and the usage report, the dashboard's summary (per purpose, reasoning per
// model), its recent calls and the CSV say them. The provider here reports usage as a
// prompt-caching reasoning model does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { openAiSdk } from '../../../../tests/helpers/openai-sdk.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({
    env: { MODEL_PRICES: JSON.stringify({ 'demo/*': { input: 3, cached_input: 0.3, output: 15 } }) },
    provider: { usageDetails: { cachedTokens: 8, reasoningTokens: 2 } },
  });
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };

interface Row { purpose: string | null; message_id: string | null; cached_tokens: number | null; reasoning_tokens: number | null; completion_tokens: number }

describe('usage purposes and token parts', () => {
  it('labels a chat answer, its chat title and API calls, with their cached and reasoning tokens, in the log, the report, the summary, recent calls and the CSV', async () => {
    const alice = await api.createUser();
    // A new chat named on the server as its first answer ends (the web app's request).
    const res = await alice.request('POST', '/chat', { ...demo, message: 'How do tides work on Earth?', name_chat: true });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)?.data).toMatchObject({ status: 'complete' });
    const sessionId = events[0]!.data.session_id as string;
    const answerId = events[0]!.data.assistant_message_id as string;

    const key = await (await alice.request('POST', '/api-keys', { name: 'sdk', scopes: ['chat'] })).json();
    const client = openAiSdk(api, key.key);
    const plain = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi there, gateway' }] });
    // The gateway passes the provider's details on, and now logs them too.
    expect(plain.usage?.completion_tokens_details?.reasoning_tokens).toBe(2);
    const stream = await client.chat.completions.create({ model: 'demo/demo-model', messages: [{ role: 'user', content: 'Hi there, stream' }], stream: true });
    for await (const chunk of stream) void chunk;

    // The title is logged before the turn's `done`; the stream's log as it ends.
    await eventually(async () => (await api.db.sql`select count(*)::int as n from public.prompt_usage_logs where user_id = ${alice.id}`)[0]!.n === 4);
    const rows = await api.db.sql<Row[]>`
      select purpose, message_id, cached_tokens, reasoning_tokens, completion_tokens
        from public.prompt_usage_logs where user_id = ${alice.id} order by executed_at`;
    expect(rows.map((r) => [r.purpose, r.message_id, r.cached_tokens, r.reasoning_tokens])).toEqual([
      ['chat', answerId, 8, 2],
      ['title', null, 8, 2],
      ['gateway', null, 8, 2],
      ['gateway', null, 8, 2],
    ]);

    const report = await (await alice.request('GET', '/usage?group_by=purpose')).json();
    expect(report.groups.map((g: { key: string; purpose: string | null; calls: number }) => [g.key, g.purpose, g.calls])).toEqual([
      ['gateway', 'gateway', 2], ['chat', 'chat', 1], ['title', 'title', 1],
    ]);
    expect(report.totals).toMatchObject({ cached_tokens: 32, reasoning_tokens: 8 });

    const summary = await (await alice.request('GET', '/usage/summary')).json();
    const title = summary.by_purpose.find((g: { purpose: string | null }) => g.purpose === 'title');
    expect(title).toMatchObject({ calls: 1, cached_tokens: 8, reasoning_tokens: 2 });
    expect(title.cost_usd).toBeGreaterThan(0);
    expect(summary.by_model).toEqual([expect.objectContaining({ model: 'demo-model', calls: 4, cached_tokens: 32, reasoning_tokens: 8 })]);
    const recent = summary.recent as { purpose: string | null; session_id: string | null; reasoning_tokens: number | null; cached_tokens: number | null }[];
    expect(recent.filter((c) => c.session_id === sessionId).map((c) => c.purpose).sort()).toEqual(['chat', 'title']);
    expect(recent.every((c) => c.reasoning_tokens === 2 && c.cached_tokens === 8)).toBe(true);

    // The chat's calls, as the answer's footer reads them: the answer with its parts, and the title beside it.
    const chatCalls = (await (await alice.request('GET', `/usage/recent?session_id=${sessionId}`)).json()).calls;
    expect(chatCalls.find((c: { message_id: string | null }) => c.message_id === answerId)).toMatchObject({ purpose: 'chat', cached_tokens: 8, reasoning_tokens: 2 });

    const csv = await (await alice.request('GET', '/usage/export')).text();
    const [header, ...lines] = csv.replace('\ufeff', '').trim().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(columns.indexOf('api_key_id'), columns.indexOf('api_key_id') + 4)).toEqual(['api_key_id', 'api_key_name', 'purpose', 'reasoning_tokens']);
    const [purpose, reasoning] = [columns.indexOf('purpose'), columns.indexOf('reasoning_tokens')];
    expect(lines.map((line) => `${line.split(',')[purpose]},${line.split(',')[reasoning]}`)).toEqual(['chat,2', 'title,2', 'gateway,2', 'gateway,2']);
  });

  it('says nothing of the purpose of a call logged before it was recorded', async () => {
    const bob = await api.createUser();
    await api.db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, purpose) values (${bob.id}, 'demo', 'demo-model', 'success', null)`;
    const report = await (await bob.request('GET', '/usage?group_by=purpose')).json();
    expect(report.groups.map((g: { key: string; purpose: string | null }) => [g.key, g.purpose])).toEqual([['unknown', null]]);
    const csv = await (await bob.request('GET', '/usage/export')).text();
    expect(csv.trim().split('\n').at(-1)!.endsWith(',,')).toBe(true);
  });
});
