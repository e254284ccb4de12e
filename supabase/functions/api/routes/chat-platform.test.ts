// /chat and the platform: each call's cost stored at the time of the call (demo price, or
// MODEL_PRICES), the monthly budget refusing a chat with 402 before any provider call, and
// chat with an API key holding the `chat` scope.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, readSse, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ env: { MODEL_PRICES: JSON.stringify({ 'demo/*': { input: 3, output: 7, cached_input: 1 } }) } });
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };

describe('chat cost, budget and API keys', () => {
  it("stores each call's cost from the deployment's price table", async () => {
    const alice = await api.createUser();
    const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: 'Price me' }));
    const { assistant_message_id } = events[0].data;
    const log = await eventually(async () => (await api.db.sql`
      select prompt_tokens, completion_tokens, cached_tokens, cost_usd::text as cost from public.prompt_usage_logs where message_id = ${assistant_message_id}`)[0]);
    const expected = (log.prompt_tokens * 3 + log.completion_tokens * 7) / 1e6;
    expect(Number(log.cost)).toBeCloseTo(expected, 12);
    expect(log.cost).toMatch(/^\d+\.\d{12}$/);
    const report = await (await alice.request('GET', '/usage')).json();
    expect(report.totals.cost_usd).toBeCloseTo(expected, 12);
    // The month's spend that the budget check reads counts the call too.
    expect((await (await alice.request('GET', '/budget')).json()).spent_usd).toBeCloseTo(expected, 12);
  });

  // A provider does not bill a request it refused with a status: the chat logs it as the gateway
  // does (README › Cost), with no tokens and $0, so neither the answer nor the budget shows a cost.
  it.each([
    ['401', 'provider_auth'],
    ['429', 'provider_rate_limited'],
    ['500', 'provider_unavailable'],
  ] as const)('logs a call refused with %s before any text with no tokens and no cost, the budget unchanged', async (mode, code) => {
    const alice = await api.createUser();
    await alice.request('PUT', '/budget', { monthly_budget_usd: 1 });
    api.fakeProvider.setMode(mode);
    try {
      const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: `A long enough question for a real estimate under ${mode}` }));
      expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code });
      const { assistant_message_id } = events[0].data;
      const log = await eventually(async () => (await api.db.sql`
        select status, error_code, prompt_tokens, completion_tokens, token_count, cost_usd::float8 as cost, tokens_estimated
          from public.prompt_usage_logs where message_id = ${assistant_message_id}`)[0]);
      expect(log).toEqual({ status: 'error', error_code: code, prompt_tokens: 0, completion_tokens: 0, token_count: 0, cost: 0, tokens_estimated: false });
      const [answer] = await api.db.sql`select prompt_tokens, completion_tokens from public.messages where id = ${assistant_message_id}`;
      expect(answer).toEqual({ prompt_tokens: 0, completion_tokens: 0 });
      expect((await (await alice.request('GET', '/budget')).json()).spent_usd).toBe(0);
      const recent = await (await alice.request('GET', `/usage/recent?session_id=${events[0].data.session_id}`)).json();
      expect(recent.calls.find((call: { message_id: string }) => call.message_id === assistant_message_id)?.cost_usd).toBe(0);
    } finally {
      api.fakeProvider.setMode('ok');
    }
  });

  it('keeps the estimate of a call that failed mid-answer: the provider produced (and billed) tokens', async () => {
    const alice = await api.createUser();
    api.fakeProvider.setMode('drop');
    try {
      const events = await readSse(await alice.request('POST', '/chat', { ...demo, message: 'A question whose answer drops' }));
      expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code: 'provider_connection_lost' });
      const { assistant_message_id } = events[0].data;
      const log = await eventually(async () => (await api.db.sql`
        select prompt_tokens, completion_tokens, cost_usd::float8 as cost, tokens_estimated
          from public.prompt_usage_logs where message_id = ${assistant_message_id}`)[0]);
      expect(log.prompt_tokens).toBeGreaterThan(0);
      expect(log.completion_tokens).toBeGreaterThan(0);
      expect(log.tokens_estimated).toBe(true);
      expect(log.cost).toBeCloseTo((log.prompt_tokens * 3 + log.completion_tokens * 7) / 1e6, 12);
      expect((await (await alice.request('GET', '/budget')).json()).spent_usd).toBeCloseTo(log.cost, 12);
    } finally {
      api.fakeProvider.setMode('ok');
    }
  });

  it('answers 402 budget_exceeded past the monthly budget, without calling the provider', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/budget', { monthly_budget_usd: 0.5 });
    await api.db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd) values (${alice.id}, 'demo', 'demo-model', 'success', 0.5)`;
    const before = api.fakeProvider.requests.length;
    const res = await alice.request('POST', '/chat', { ...demo, message: 'Over budget' });
    expect(res.status).toBe(402);
    const { error } = await res.json();
    expect(error).toMatchObject({ code: 'budget_exceeded', spent_usd: 0.5, monthly_budget_usd: 0.5 });
    expect(Date.parse(error.resets_at)).toBeGreaterThan(Date.now());
    expect(api.fakeProvider.requests.length).toBe(before);
    const [{ count }] = await api.db.sql`select count(*)::int as count from public.messages where user_id = ${alice.id}`;
    expect(count).toBe(0);
    await alice.request('PUT', '/budget', { monthly_budget_usd: 10 });
    expect((await alice.request('POST', '/chat', { ...demo, message: 'Within budget' })).status).toBe(200);
  });

  it('chats with an API key that has the chat scope, as its owner', async () => {
    const alice = await api.createUser();
    const chatter = await (await alice.request('POST', '/api-keys', { name: 'bot', scopes: ['chat'] })).json();
    const reader = await (await alice.request('POST', '/api-keys', { name: 'reader', scopes: ['prompts:read'] })).json();
    const res = await api.request('POST', '/chat', { ...demo, message: 'From a script' }, { authorization: `Bearer ${chatter.key}` });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)?.event).toBe('done');
    const [session] = await api.db.sql`select user_id from public.chat_sessions where id = ${events[0].data.session_id}`;
    expect(session.user_id).toBe(alice.id);
    expect((await api.request('POST', '/chat', { ...demo, message: 'x' }, { authorization: `Bearer ${reader.key}` })).status).toBe(403);
    await alice.request('DELETE', `/api-keys/${chatter.id}`);
    expect((await api.request('POST', '/chat', { ...demo, message: 'x' }, { authorization: `Bearer ${chatter.key}` })).status).toBe(401);
    expect((await api.request('POST', '/chat', { ...demo, message: 'x' }, { authorization: `Bearer mrp_${randomUUID()}` })).status).toBe(401);
  });
});
