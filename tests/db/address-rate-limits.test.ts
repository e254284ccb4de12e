// private.consume_address_rate_limit: the per-address buckets of signed-out reads, on the same
// bucket arithmetic as the per-account ones (private.spend_bucket_tokens), and the API roles
// kept from them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

let next = 1;
/** An address no other test of this file uses. */
function freshAddress(): string {
  const n = next++;
  return `198.51.${Math.floor(n / 250)}.${n % 250 + 1}`;
}

async function consume(address: string, capacity: number, refill: number, cost = 1) {
  const [row] = await db.sql`select allowed, retry_after_seconds
    from private.consume_address_rate_limit(${address}::inet, 'public_reads', ${capacity}, ${refill}, ${cost})`;
  return row;
}

describe('private.consume_address_rate_limit', () => {
  it('allows up to the capacity, then refuses with the wait for one token', async () => {
    const address = freshAddress();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consume(address, 3, 1 / 3600));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3].retry_after_seconds).toBeGreaterThan(3000);
    expect(results[3].retry_after_seconds).toBeLessThanOrEqual(3600);
  });

  it('refills for the time that passed, never above the capacity', async () => {
    const address = freshAddress();
    for (let i = 0; i < 2; i++) await consume(address, 2, 1);
    expect((await consume(address, 2, 1)).allowed).toBe(false);
    await db.sql`update private.address_rate_limit_buckets set refilled_at = refilled_at - interval '1 hour'
                  where address = ${address}::inet`;
    expect((await consume(address, 2, 1)).allowed).toBe(true);
    const [bucket] = await db.sql`select tokens from private.address_rate_limit_buckets where address = ${address}::inet`;
    expect(bucket.tokens).toBeCloseTo(1, 1); // full at 2 after an hour, minus 1
  });

  it('never lets concurrent requests from one address spend the same token', async () => {
    const address = freshAddress();
    const pool = (await import('postgres')).default(db.url, { max: 10, onnotice: () => {} });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () =>
        pool`select allowed from private.consume_address_rate_limit(${address}::inet, 'burst', 5, ${1 / 3600})`));
      expect(results.filter(([r]) => r.allowed)).toHaveLength(5);
    } finally {
      await pool.end();
    }
  });

  it('rejects nonsense arguments before writing a row', async () => {
    const address = freshAddress();
    await expect(consume(address, 0, 1)).rejects.toThrow(/consume_address_rate_limit: need capacity/);
    await expect(consume(address, 2, 0)).rejects.toThrow(/need capacity/);
    await expect(consume(address, 2, 1, 3)).rejects.toThrow(/need capacity/);
    expect(await db.sql`select 1 from private.address_rate_limit_buckets where address = ${address}::inet`).toHaveLength(0);
  });

  it.each(['anon', 'authenticated', 'service_role'] as const)('%s can neither call it nor read the buckets', async (role) => {
    const actor = role === 'authenticated' ? await createAuthUser(db.sql) : role;
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.consume_address_rate_limit('203.0.113.9', 'public_reads', 5, 1)`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.spend_bucket_tokens(0, now(), now(), 5, 1, 1)`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.address_rate_limit_buckets`))
      .rejects.toThrow(PERMISSION_DENIED);
  });
});
