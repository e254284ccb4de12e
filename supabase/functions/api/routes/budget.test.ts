// /api/budget and the check paid calls run: set/remove, spend of the current UTC month only
// (the boundary to the millisecond), 402 budget_exceeded with spend and reset time, isolation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { asActor } from '../../../../tests/helpers/actors.ts';
import { assertWithinBudget } from '../lib/budget.ts';
import { ApiError } from '../lib/errors.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function spend(user: ApiUser, at: string, cost: string | null) {
  await api.db.sql`
    insert into public.prompt_usage_logs (id, user_id, provider, model, status, cost_usd, executed_at)
    values (${randomUUID()}, ${user.id}, 'openai', 'gpt-4o', 'success', ${cost}::numeric, ${at}::text::timestamptz)`;
}

const asUser = (user: ApiUser) => ({ id: user.id, email: user.email, claims: { sub: user.id, role: 'authenticated' } });

async function thrown(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('budget', () => {
  it('sets, reads and removes a budget; bad values are 400', async () => {
    const alice = await api.createUser();
    expect(await (await alice.request('GET', '/budget')).json()).toMatchObject({ monthly_budget_usd: null, state: 'none', spent_usd: 0 });
    const set = await alice.request('PUT', '/budget', { monthly_budget_usd: 25.5 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ monthly_budget_usd: 25.5, state: 'ok', used_share: 0 });
    expect((await (await alice.request('PUT', '/budget', { monthly_budget_usd: null })).json()).state).toBe('none');
    for (const bad of [-1, 0.001, 2_000_000, '10', undefined]) {
      expect((await alice.request('PUT', '/budget', { monthly_budget_usd: bad })).status, String(bad)).toBe(400);
    }
    expect((await api.request('GET', '/budget')).status).toBe(401);
  });

  it("counts only the current UTC month's spend, to the millisecond", async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/budget', { monthly_budget_usd: 10 });
    await spend(alice, '2026-04-30T23:59:59.999Z', '9');
    await spend(alice, '2026-05-01T00:00:00.000Z', '2');
    await spend(alice, '2026-05-31T23:59:59.999Z', '7');
    await spend(alice, '2026-06-01T00:00:00.000Z', '100');
    await spend(alice, '2026-05-15T00:00:00.000Z', null); // unpriced: counts nothing

    const april = await assertWithinBudget(api.apiDb, asUser(alice), new Date('2026-04-30T23:59:59.999Z'));
    expect(april).toMatchObject({ spent_usd: 9, state: 'warning', resets_at: '2026-05-01T00:00:00.000Z' });

    const mayFirst = await assertWithinBudget(api.apiDb, asUser(alice), new Date('2026-05-01T00:00:00.000Z'));
    expect(mayFirst).toMatchObject({ spent_usd: 9, state: 'warning', month_start: '2026-05-01T00:00:00.000Z' });

    const june = await thrown(assertWithinBudget(api.apiDb, asUser(alice), new Date('2026-06-01T00:00:00.000Z')));
    expect(june).toMatchObject({ status: 402, code: 'budget_exceeded' });
    expect(june.details).toEqual({ spent_usd: 100, monthly_budget_usd: 10, resets_at: '2026-07-01T00:00:00.000Z' });
    expect(june.message).toContain('2026-07-01');
  });

  it('answers 402 budget_exceeded with the spend and reset time in the error body', async () => {
    const alice = await api.createUser();
    await alice.request('PUT', '/budget', { monthly_budget_usd: 1 });
    await spend(alice, new Date().toISOString(), '1.25');
    const status = await (await alice.request('GET', '/budget')).json();
    expect(status).toMatchObject({ state: 'exceeded', spent_usd: 1.25, used_share: 1.25 });
    // As POST /chat answers it, before any provider call.
    const calls = api.fakeProvider.requests.length;
    const res = await alice.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'one more?' });
    expect(res.status).toBe(402);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'budget_exceeded', spent_usd: 1.25, monthly_budget_usd: 1, resets_at: status.resets_at });
    expect(api.fakeProvider.requests.length).toBe(calls);
  });

  it("never counts another user's spend, and a user cannot set another's budget", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    await alice.request('PUT', '/budget', { monthly_budget_usd: 5 });
    await spend(bob, new Date().toISOString(), '50');
    expect((await (await alice.request('GET', '/budget')).json()).spent_usd).toBe(0);
    const updated = await asActor(api.db.sql, alice, (tx) => tx`update public.profiles set monthly_budget_usd = 0 where id = ${bob.id} returning id`);
    expect(updated).toHaveLength(0);
    const [row] = await api.db.sql`select monthly_budget_usd::float8 as b from public.profiles where id = ${bob.id}`;
    expect(row.b).toBeNull();
  });
});
