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
}

async function log(user: ApiUser, entries: Log[]) {
  for (const e of entries) {
    await api.db.sql`
      insert into public.prompt_usage_logs
        (id, user_id, provider, model, status, latency_ms, ttft_ms, prompt_tokens, completion_tokens, token_count,
         prompt_id, prompt_version, error_code, executed_at)
      values (${randomUUID()}, ${user.id}, ${e.provider ?? 'openai'}, ${e.model ?? 'gpt-4o-mini'}, ${e.status ?? 'success'},
              ${e.latency ?? null}, ${e.ttft ?? null}, ${e.prompt ?? 10}, ${e.completion ?? 5}, ${(e.prompt ?? 10) + (e.completion ?? 5)},
              ${e.promptId ?? null}, ${e.promptVersion ?? null}, ${e.status === 'error' ? 'provider_error' : null},
              ${e.at}::text::timestamptz)`;
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
    expect(report).toMatchObject({ group_by: 'day', from: '2026-05-01T00:00:00.000Z', to: '2026-05-08T00:00:00.000Z' });
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
    expect(report.group_by).toBe('day');
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
      'group_by=day&extra=1',
    ]) {
      const res = await alice.request('GET', `/usage?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    for (const limit of ['0', '101', 'x']) expect((await alice.request('GET', `/usage/recent?limit=${limit}`)).status).toBe(400);
  });
});
