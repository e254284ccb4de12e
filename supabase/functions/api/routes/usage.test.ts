// /api/usage: aggregates by day, provider, model and prompt version with SQL percentiles,
// recent calls, isolation between users, and bad ranges.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

interface Log {
  at: string;
  provider?: string;
  model?: string;
  status?: 'success' | 'error' | 'stopped';
  latency?: number | null;
  ttft?: number | null;
  prompt?: number;
  completion?: number;
  promptId?: string | null;
  promptVersion?: number | null;
  cost?: string | null;
  sessionId?: string | null;
}

async function log(user: ApiUser, entries: Log[]) {
  for (const e of entries) {
    await api.db.sql`
      insert into public.prompt_usage_logs
        (id, user_id, provider, model, status, latency_ms, ttft_ms, prompt_tokens, completion_tokens, token_count,
         prompt_id, prompt_version, error_code, executed_at, cost_usd, session_id)
      values (${randomUUID()}, ${user.id}, ${e.provider ?? 'openai'}, ${e.model ?? 'gpt-4o-mini'}, ${e.status ?? 'success'},
              ${e.latency ?? null}, ${e.ttft ?? null}, ${e.prompt ?? 10}, ${e.completion ?? 5}, ${(e.prompt ?? 10) + (e.completion ?? 5)},
              ${e.promptId ?? null}, ${e.promptVersion ?? null}, ${e.status === 'error' ? 'provider_error' : null},
              ${e.at}::text::timestamptz, ${e.cost ?? null}::numeric, ${e.sessionId ?? null})`;
  }
}

const range = 'from=2026-05-01&to=2026-05-08';

describe('usage', () => {
  it('groups by day with counts, tokens, errors and p50/p95 latency and ttft', async () => {
    const alice = await api.createUser();
    await log(alice, [
      { at: '2026-05-01T08:00:00Z', latency: 100, ttft: 10 },
      { at: '2026-05-01T09:00:00Z', latency: 200, ttft: 20 },
      { at: '2026-05-01T10:00:00Z', latency: 300, ttft: 30, status: 'error' },
      { at: '2026-05-01T23:59:59Z', latency: 400, ttft: 40, status: 'stopped' },
      { at: '2026-05-03T12:00:00Z', latency: 1000, ttft: null, prompt: 100, completion: 50 },
      { at: '2026-04-30T23:59:59Z', latency: 5 }, // outside the range
    ]);
    const res = await alice.request('GET', `/usage?${range}&group_by=day`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ group_by: ['day'], from: '2026-05-01T00:00:00.000Z', to: '2026-05-08T00:00:00.000Z' });
    expect(report.groups).toHaveLength(2);
    expect(report.groups[0]).toMatchObject({
      key: '2026-05-01',
      day: '2026-05-01',
      calls: 4,
      errors: 1,
      stopped: 1,
      prompt_tokens: 40,
      completion_tokens: 20,
      total_tokens: 60,
      latency_ms: { p50: 250, p95: 385 },
      ttft_ms: { p50: 25, p95: 38.5 },
    });
    expect(report.groups[1]).toMatchObject({ key: '2026-05-03', calls: 1, total_tokens: 150, latency_ms: { p50: 1000 }, ttft_ms: { p50: null, p95: null } });
    expect(report.totals).toMatchObject({ calls: 5, errors: 1, total_tokens: 210 });
  });

  it('groups by provider, model and prompt version', async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'Coder', content: 'Write code' })).json();
    await log(alice, [
      { at: '2026-05-02T00:00:00Z', provider: 'groq', model: 'llama-3', promptId: prompt.id, promptVersion: 1 },
      { at: '2026-05-02T00:00:01Z', provider: 'groq', model: 'llama-3', promptId: prompt.id, promptVersion: 2 },
      { at: '2026-05-02T00:00:02Z', provider: 'groq', model: 'mixtral' },
      { at: '2026-05-02T00:00:03Z', provider: 'openai', model: 'gpt-4o' },
    ]);
    const byProvider = await (await alice.request('GET', `/usage?${range}&group_by=provider`)).json();
    expect(byProvider.groups.map((g: { key: string; calls: number }) => [g.key, g.calls])).toEqual([['groq', 3], ['openai', 1]]);
    const byModel = await (await alice.request('GET', `/usage?${range}&group_by=model`)).json();
    expect(byModel.groups.map((g: { key: string; calls: number }) => [g.key, g.calls])).toEqual([
      ['groq/llama-3', 2],
      ['groq/mixtral', 1],
      ['openai/gpt-4o', 1],
    ]);
    const byPrompt = await (await alice.request('GET', `/usage?${range}&group_by=prompt`)).json();
    expect(byPrompt.groups.map((g: { prompt_id: string | null; prompt_version: number | null; prompt_title: string | null; calls: number }) => [g.prompt_id, g.prompt_version, g.prompt_title, g.calls])).toEqual([
      [null, null, null, 2],
      [prompt.id, 1, 'Coder', 1],
      [prompt.id, 2, 'Coder', 1],
    ]);
  });

  it('sums dollars exactly per day and counts unpriced calls', async () => {
    const alice = await api.createUser();
    await log(alice, [
      { at: '2026-05-01T08:00:00Z', cost: '0.000285000000' },
      { at: '2026-05-01T09:00:00Z', cost: '0.100000000001' },
      { at: '2026-05-01T10:00:00Z', cost: null },
      { at: '2026-05-02T10:00:00Z', cost: '1.5' },
    ]);
    const report = await (await alice.request('GET', `/usage?${range}`)).json();
    expect(report.groups.map((g: { day: string; cost_usd: number; unpriced_calls: number }) => [g.day, g.cost_usd, g.unpriced_calls])).toEqual([
      ['2026-05-01', 0.100285000001, 1],
      ['2026-05-02', 1.5, 0],
    ]);
    expect(report.totals).toMatchObject({ cost_usd: 1.600285000001, unpriced_calls: 1, calls: 4 });
    const recent = await (await alice.request('GET', '/usage/recent?limit=1')).json();
    expect(recent.calls[0]).toMatchObject({ cost_usd: 1.5 });
  });

  it('groups by several dimensions at once, including the project of the chat', async () => {
    const alice = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Support' })).json();
    const [session] = await api.db.sql`
      insert into public.chat_sessions (user_id, project_id, title) values (${alice.id}, ${project.id}, 'T') returning id`;
    await log(alice, [
      { at: '2026-05-01T08:00:00Z', provider: 'groq', cost: '1', sessionId: session.id },
      { at: '2026-05-01T09:00:00Z', provider: 'groq', cost: '2' },
      { at: '2026-05-01T10:00:00Z', provider: 'openai', cost: '4', sessionId: session.id },
      { at: '2026-05-02T10:00:00Z', provider: 'openai', cost: '8' },
    ]);
    const byDayProvider = await (await alice.request('GET', `/usage?${range}&group_by=day,provider`)).json();
    expect(byDayProvider.group_by).toEqual(['day', 'provider']);
    expect(byDayProvider.groups.map((g: { key: string; cost_usd: number; calls: number }) => [g.key, g.cost_usd, g.calls])).toEqual([
      ['2026-05-01 groq', 3, 2],
      ['2026-05-01 openai', 4, 1],
      ['2026-05-02 openai', 8, 1],
    ]);
    expect(byDayProvider.totals.cost_usd).toBe(15);
    const byProject = await (await alice.request('GET', `/usage?${range}&group_by=project`)).json();
    expect(byProject.groups.map((g: { project_id: string | null; project_name: string | null; cost_usd: number }) => [g.project_id, g.project_name, g.cost_usd])).toEqual([
      [project.id, 'Support', 5],
      [null, null, 10],
    ]);
  });

  it('keeps each call in the project its chat was in when it ran, after the chat moves', async () => {
    const alice = await api.createUser();
    const support = await (await alice.request('POST', '/projects', { name: 'Support' })).json();
    const sales = await (await alice.request('POST', '/projects', { name: 'Sales' })).json();
    const session = await (await alice.request('POST', '/sessions', { title: 'T', project_id: support.id })).json();
    await log(alice, [{ at: '2026-05-01T08:00:00Z', cost: '1', sessionId: session.id }]);
    expect((await alice.request('PATCH', `/sessions/${session.id}`, { project_id: sales.id })).status).toBe(200);
    await log(alice, [{ at: '2026-05-01T09:00:00Z', cost: '2', sessionId: session.id }]);
    expect((await alice.request('PATCH', `/sessions/${session.id}`, { project_id: null })).status).toBe(200);
    await log(alice, [{ at: '2026-05-01T10:00:00Z', cost: '4', sessionId: session.id }]);
    const projects = (groups: { project_id: string | null; project_name: string | null; cost_usd: number }[]) =>
      groups.map((g) => [g.project_name, g.cost_usd]).sort((a, b) => Number(a[1]) - Number(b[1]));
    const expected = [['Support', 1], ['Sales', 2], [null, 4]];
    expect(projects((await (await alice.request('GET', `/usage?${range}&group_by=project`)).json()).groups)).toEqual(expected);
    expect(projects((await (await alice.request('GET', `/usage/summary?${range}`)).json()).by_project)).toEqual(expected);
    // No writer states the project: the API's own connection gets the session's, whatever it says.
    await api.db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status, session_id, project_id, executed_at)
      values (${alice.id}, 'demo', 'demo-model', 'success', ${session.id}, ${support.id}, '2026-05-01T11:00:00Z')`;
    const [stated] = await api.db.sql`select project_id from public.prompt_usage_logs where user_id = ${alice.id} and executed_at = '2026-05-01T11:00:00Z'`;
    expect(stated!.project_id).toBeNull();
  });

  it('answers the dashboard summary in one call', async () => {
    const alice = await api.createUser();
    await log(alice, [
      { at: '2026-05-01T08:00:00Z', provider: 'groq', model: 'llama-3', cost: '1', latency: 100 },
      { at: '2026-05-01T09:00:00Z', provider: 'openai', model: 'gpt-4o', cost: '2', latency: 300 },
      { at: '2026-05-03T10:00:00Z', provider: 'openai', model: 'gpt-4o', cost: '4', latency: 500 },
    ]);
    const res = await alice.request('GET', `/usage/summary?${range}`);
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s.totals).toMatchObject({ calls: 3, cost_usd: 7 });
    expect(s.by_day.map((g: { day: string; cost_usd: number }) => [g.day, g.cost_usd])).toEqual([['2026-05-01', 3], ['2026-05-03', 4]]);
    expect(s.by_day_provider.map((g: { key: string }) => g.key)).toEqual(['2026-05-01 groq', '2026-05-01 openai', '2026-05-03 openai']);
    expect(s.by_model.map((g: { key: string; latency_ms: { p50: number } }) => [g.key, g.latency_ms.p50])).toEqual([['openai/gpt-4o', 400], ['groq/llama-3', 100]]);
    expect(s.by_project).toEqual([expect.objectContaining({ project_id: null, calls: 3 })]);
    expect(s.by_prompt_version).toEqual([expect.objectContaining({ prompt_id: null, calls: 3 })]);
    expect(s.recent).toHaveLength(3);
    const bob = await api.createUser();
    const empty = await (await bob.request('GET', `/usage/summary?${range}`)).json();
    expect(empty).toMatchObject({ totals: { calls: 0, cost_usd: 0 }, by_day: [], recent: [] });
  });

  it("lists the summary's newest calls within its range (and prompt), not the newest of all time", async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'Typed vars', content: 'Hi {{name}}' })).json();
    await log(alice, [
      { at: '2026-04-30T23:59:59Z', model: 'before' },
      { at: '2026-05-01T00:00:00Z', model: 'first', promptId: prompt.id, promptVersion: 1 },
      { at: '2026-05-07T23:59:59Z', model: 'last' },
      { at: '2026-05-08T00:00:00Z', model: 'after' }, // `to` is exclusive
      { at: '2026-06-01T00:00:00Z', model: 'much later', promptId: prompt.id, promptVersion: 1 },
    ]);
    const models = (s: { recent: { model: string }[] }) => s.recent.map((c) => c.model);
    const summary = await (await alice.request('GET', `/usage/summary?${range}`)).json();
    expect(summary.totals.calls).toBe(2);
    expect(models(summary)).toEqual(['last', 'first']);
    expect(summary.recent[1]).toMatchObject({ prompt_id: prompt.id, prompt_version: 1, prompt_title: 'Typed vars' });
    // A range without calls lists none (it listed June's under "No calls in this range").
    const empty = await (await alice.request('GET', '/usage/summary?from=2026-05-02&to=2026-05-03')).json();
    expect(empty).toMatchObject({ totals: { calls: 0 }, recent: [] });
    // With prompt_id, that prompt's calls only, like the figures.
    const byPrompt = await (await alice.request('GET', `/usage/summary?${range}&prompt_id=${prompt.id}`)).json();
    expect([byPrompt.totals.calls, models(byPrompt)]).toEqual([1, ['first']]);
    // In the caller's zone: May 1 in Los Angeles starts at 07:00 UTC.
    const zoned = await (await alice.request('GET', '/usage/summary?from=2026-05-01&to=2026-05-08&tz=America/Los_Angeles')).json();
    expect(models(zoned)).toEqual(['after', 'last']);
  });

  it('keeps the totals when the groups are more than one answer holds', async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'Tuned daily', content: 'Hi' })).json();
    // A prompt tuned for a long time: a call with each of 5,001 versions (more groups than the 5,000 rows one statement returns).
    await api.db.sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, latency_ms, token_count, cost_usd, prompt_id, prompt_version, executed_at)
      select ${alice.id}, 'openai', 'gpt-4o-mini', 'success', 100, 10, 0.01, ${prompt.id}, v, '2026-05-02T12:00:00Z'::timestamptz
        from generate_series(1, 5001) v`;
    const res = await alice.request('GET', '/usage/summary?from=2026-05-01&to=2026-05-03');
    expect(res.status).toBe(200);
    const summary = await res.json();
    expect(summary.totals).toMatchObject({ calls: 5001, total_tokens: 50_010 });
    expect(summary.totals.cost_usd).toBeCloseTo(50.01, 6);
    expect(summary.by_day).toMatchObject([{ day: '2026-05-02', calls: 5001 }]);
  });

  it('lists recent calls newest first', async () => {
    const alice = await api.createUser();
    await log(alice, [
      { at: '2026-05-02T00:00:00Z', model: 'first' },
      { at: '2026-05-02T00:00:01Z', model: 'second', status: 'error' },
      { at: '2026-05-02T00:00:02Z', model: 'third' },
    ]);
    const res = await alice.request('GET', '/usage/recent?limit=2');
    expect(res.status).toBe(200);
    const { calls } = await res.json();
    expect(calls.map((c: { model: string }) => c.model)).toEqual(['third', 'second']);
    expect(calls[1]).toMatchObject({ status: 'error', error_code: 'provider_error', provider: 'openai' });
  });

  it("lists one chat's calls with session_id: what each of its answers cost", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const chat = await (await alice.request('POST', '/sessions', { title: 'Chat' })).json();
    const other = await (await alice.request('POST', '/sessions', { title: 'Other' })).json();
    await log(alice, [
      { at: '2026-05-02T00:00:00Z', model: 'in-chat', cost: '0.25', sessionId: chat.id },
      { at: '2026-05-02T00:00:01Z', model: 'elsewhere', cost: '1', sessionId: other.id },
      { at: '2026-05-02T00:00:02Z', model: 'no-chat' },
      { at: '2026-05-02T00:00:03Z', model: 'in-chat, unpriced', sessionId: chat.id },
    ]);
    const res = await alice.request('GET', `/usage/recent?session_id=${chat.id}&limit=100`);
    expect(res.status).toBe(200);
    const { calls } = await res.json();
    expect(calls.map((c: { model: string; cost_usd: number | null; session_id: string }) => [c.model, c.cost_usd, c.session_id])).toEqual([
      ['in-chat, unpriced', null, chat.id],
      ['in-chat', 0.25, chat.id],
    ]);
    // Only the caller's own calls, even for a chat id they know.
    expect((await (await bob.request('GET', `/usage/recent?session_id=${chat.id}`)).json()).calls).toEqual([]);
    expect((await alice.request('GET', '/usage/recent?session_id=not-a-uuid')).status).toBe(400);
  });

  it("never counts another user's calls", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    await log(alice, [{ at: '2026-05-02T00:00:00Z' }]);
    const report = await (await bob.request('GET', `/usage?${range}`)).json();
    expect(report.totals.calls).toBe(0);
    expect(report.groups).toEqual([]);
    expect((await (await bob.request('GET', '/usage/recent')).json()).calls).toEqual([]);
  });

  it('defaults to the last 30 days by day', async () => {
    const alice = await api.createUser();
    await log(alice, [{ at: new Date(Date.now() - 86_400_000).toISOString() }, { at: new Date(Date.now() - 40 * 86_400_000).toISOString() }]);
    const report = await (await alice.request('GET', '/usage')).json();
    expect(report.group_by).toEqual(['day']);
    expect(report.totals.calls).toBe(1);
  });

  it('answers bad ranges and parameters with 400', async () => {
    const alice = await api.createUser();
    for (const query of [
      'from=2026-05-08&to=2026-05-01',
      'from=2026-05-01&to=2026-05-01',
      'from=2020-01-01&to=2026-01-01',
      'from=yesterday',
      'from=2026-13-01',
      'to=2026-05-01T00:00:00',
      'group_by=week',
      'group_by=day,day',
      'group_by=day,',
      'group_by=day&extra=1',
    ]) {
      const res = await alice.request('GET', `/usage?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    for (const limit of ['0', '101', 'x']) expect((await alice.request('GET', `/usage/recent?limit=${limit}`)).status).toBe(400);
  });
});
