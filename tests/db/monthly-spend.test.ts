// private.monthly_spend: the month's spend that budget checks read, kept by triggers on
// prompt_usage_logs. After any insert, update or delete — one row or many, across months and
// users, concurrent or not — it equals the logs' sum of cost_usd per user and UTC month; an
// account's deletion leaves nothing; no API role can read or write it.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** Logs calls of `user`: [cost (null = unpriced), executed_at] each; returns their ids. */
async function log(user: AuthUser, calls: [string | null, string][]): Promise<string[]> {
  const rows = calls.map(([cost, at]) => ({
    id: randomUUID(), user_id: user.id, provider: 'openai', model: 'gpt-4o', status: 'success', cost_usd: cost, executed_at: at,
  }));
  await db.sql`insert into public.prompt_usage_logs ${db.sql(rows)}`;
  return rows.map((r) => r.id);
}

/** The rollup's months of a user, as { 'YYYY-MM-DD': 'dollars' } (rows at 0 left out). */
async function rollup(user: AuthUser): Promise<Record<string, string>> {
  const rows = await db.sql`select month::text as month, spent_usd::text as spent from private.monthly_spend
    where user_id = ${user.id} and spent_usd <> 0 order by month`;
  return Object.fromEntries(rows.map((r) => [r.month, r.spent]));
}

/** The same, summed from the logs themselves. */
async function sumOfLogs(user: AuthUser): Promise<Record<string, string>> {
  const rows = await db.sql`select to_char(date_trunc('month', executed_at at time zone 'UTC'), 'YYYY-MM-DD') as month,
      sum(cost_usd)::numeric(20, 12)::text as spent
    from public.prompt_usage_logs where user_id = ${user.id}
    group by 1 having coalesce(sum(cost_usd), 0) <> 0 order by 1`;
  return Object.fromEntries(rows.map((r) => [r.month, r.spent]));
}

describe('private.monthly_spend: writes to the logs', () => {
  it('adds one call, then several at once, each to its UTC month; unpriced calls add nothing', async () => {
    const alice = await createAuthUser(db.sql);
    await log(alice, [['0.5', '2026-05-10T12:00:00Z']]);
    expect(await rollup(alice)).toEqual({ '2026-05-01': '0.500000000000' });
    await log(alice, [
      ['0.000000000001', '2026-04-30T23:59:59.999Z'],
      ['1.25', '2026-05-01T00:00:00Z'],
      [null, '2026-05-20T00:00:00Z'],
      ['0', '2026-06-01T00:00:00Z'],
      ['2', '2026-05-31T23:59:59.999+00:00'],
      // 20:30 in New York on the 31st is June in UTC.
      ['3', '2026-05-31T20:30:00-04:00'],
    ]);
    expect(await rollup(alice)).toEqual({ '2026-04-01': '0.000000000001', '2026-05-01': '3.750000000000', '2026-06-01': '3.000000000000' });
    expect(await rollup(alice)).toEqual(await sumOfLogs(alice));
  });

  it('moves updated costs, times and owners between months and users', async () => {
    const alice = await createAuthUser(db.sql);
    const bob = await createAuthUser(db.sql);
    const [a, b, c] = await log(alice, [['1', '2026-05-02T00:00:00Z'], ['2', '2026-05-03T00:00:00Z'], [null, '2026-05-04T00:00:00Z']]);
    await db.sql`update public.prompt_usage_logs set cost_usd = 1.5 where id = ${a}`;
    await db.sql`update public.prompt_usage_logs set cost_usd = 4 where id = ${c}`;
    expect(await rollup(alice)).toEqual({ '2026-05-01': '7.500000000000' });
    await db.sql`update public.prompt_usage_logs set executed_at = '2026-07-01T00:00:00Z' where id = ${b}`;
    expect(await rollup(alice)).toEqual({ '2026-05-01': '5.500000000000', '2026-07-01': '2.000000000000' });
    await db.sql`update public.prompt_usage_logs set user_id = ${bob.id} where id = ${c}`;
    // Several rows at once, across two months.
    await db.sql`update public.prompt_usage_logs set cost_usd = cost_usd * 2 where user_id = ${alice.id}`;
    expect(await rollup(alice)).toEqual({ '2026-05-01': '3.000000000000', '2026-07-01': '4.000000000000' });
    expect(await rollup(bob)).toEqual({ '2026-05-01': '4.000000000000' });
    await db.sql`update public.prompt_usage_logs set cost_usd = null where id = ${a}`;
    expect(await rollup(alice)).toEqual({ '2026-07-01': '4.000000000000' });
    expect(await rollup(alice)).toEqual(await sumOfLogs(alice));
    expect(await rollup(bob)).toEqual(await sumOfLogs(bob));
  });

  it('does not write the rollup when an update leaves costs, times and owners alone', async () => {
    const alice = await createAuthUser(db.sql);
    const [id] = await log(alice, [['1', '2026-05-02T00:00:00Z']]);
    const [before] = await db.sql`select xmin::text as xmin from private.monthly_spend where user_id = ${alice.id}`;
    await db.sql`update public.prompt_usage_logs set token_count = 10, attachment_tokens = 3 where id = ${id}`;
    const [after] = await db.sql`select xmin::text as xmin from private.monthly_spend where user_id = ${alice.id}`;
    expect(after.xmin).toBe(before.xmin);
  });

  it('takes deleted calls out, one or many at once', async () => {
    const alice = await createAuthUser(db.sql);
    const [a] = await log(alice, [['1', '2026-05-02T00:00:00Z'], ['2', '2026-05-03T00:00:00Z'], ['4', '2026-06-03T00:00:00Z'], [null, '2026-06-04T00:00:00Z']]);
    await db.sql`delete from public.prompt_usage_logs where id = ${a}`;
    expect(await rollup(alice)).toEqual({ '2026-05-01': '2.000000000000', '2026-06-01': '4.000000000000' });
    await db.sql`delete from public.prompt_usage_logs where user_id = ${alice.id} and executed_at >= '2026-05-03'`;
    expect(await rollup(alice)).toEqual({});
    expect(await sumOfLogs(alice)).toEqual({});
  });

  it('counts every one of many calls of one user ending at once', async () => {
    const alice = await createAuthUser(db.sql);
    const pool = postgres(db.url, { max: 8, onnotice: () => {} });
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => pool`
        insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd)
        values (${alice.id}, 'openai', 'gpt-4o', 'success', ${`0.0${i % 10}1`}::numeric)`));
    } finally {
      await pool.end();
    }
    const sums = await sumOfLogs(alice);
    expect(Object.values(sums)).toHaveLength(1);
    expect(await rollup(alice)).toEqual(sums);
  });

  it("forgets a deleted account's months and no one else's", async () => {
    const leaving = await createAuthUser(db.sql);
    const staying = await createAuthUser(db.sql);
    await log(leaving, [['1', '2026-05-02T00:00:00Z'], ['2', '2026-06-03T00:00:00Z']]);
    await log(staying, [['3', '2026-05-02T00:00:00Z']]);
    const [{ deleted }] = await db.sql`select private.delete_account(${leaving.id}) as deleted`;
    expect(deleted).toBe(true);
    const [{ n }] = await db.sql`select count(*)::int as n from private.monthly_spend where user_id = ${leaving.id}`;
    expect(n).toBe(0);
    expect(await rollup(staying)).toEqual({ '2026-05-01': '3.000000000000' });
  });
});

describe('private.monthly_spend: API roles', () => {
  it.each(['anon', 'authenticated', 'service_role'] as const)('%s can neither read nor write it', async (role) => {
    const user = await createAuthUser(db.sql);
    await log(user, [['1', '2026-05-02T00:00:00Z']]);
    const actor = role === 'authenticated' ? user : role;
    for (const query of [
      `select * from private.monthly_spend where user_id = '${user.id}'`,
      `insert into private.monthly_spend (user_id, month, spent_usd) values ('${user.id}', '2026-08-01', -100)`,
      `update private.monthly_spend set spent_usd = 0 where user_id = '${user.id}'`,
      `delete from private.monthly_spend where user_id = '${user.id}'`,
    ]) {
      await expect(asActor(db.sql, actor, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
    expect(await rollup(user)).toEqual({ '2026-05-01': '1.000000000000' });
  });

  it('still counts a call that the service role logs (the triggers run as their owner)', async () => {
    const user = await createAuthUser(db.sql);
    await asActor(db.sql, 'service_role', (tx) => tx`
      insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd, executed_at)
      values (${user.id}, 'openai', 'gpt-4o', 'success', 0.25, '2026-05-02T00:00:00Z')`);
    expect(await rollup(user)).toEqual({ '2026-05-01': '0.250000000000' });
  });
});
