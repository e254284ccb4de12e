// The private schema: unreachable by the API roles; the rate limiter and the credential read
// work for the connection owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function consume(userId: string, bucket: string, capacity: number, refill: number, cost = 1) {
  const [row] = await db.sql`select allowed, retry_after_seconds
    from private.consume_rate_limit(${userId}, ${bucket}, ${capacity}, ${refill}, ${cost})`;
  return row;
}

describe('private schema: API roles', () => {
  it.each(['anon', 'authenticated', 'service_role'] as const)('%s cannot use it', async (role) => {
    const user = await createAuthUser(db.sql);
    const actor = role === 'authenticated' ? user : role;
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.rate_limit_buckets`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.consume_rate_limit(${user.id}, 'chat', 5, 1)`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.read_credential_ciphertext(${user.id}, 'openai')`))
      .rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('private.consume_rate_limit', () => {
  it('allows up to the capacity, then refuses with a retry delay', async () => {
    const user = await createAuthUser(db.sql);
    // A refill of one token per hour: nothing comes back while the test runs.
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consume(user.id, 'chat', 3, 1 / 3600));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3].retry_after_seconds).toBeGreaterThan(3000);
    expect(results[3].retry_after_seconds).toBeLessThanOrEqual(3600);
  });

  it('keeps buckets and users apart', async () => {
    const alice = await createAuthUser(db.sql);
    const bob = await createAuthUser(db.sql);
    expect((await consume(alice.id, 'chat', 1, 1 / 3600)).allowed).toBe(true);
    expect((await consume(alice.id, 'chat', 1, 1 / 3600)).allowed).toBe(false);
    expect((await consume(alice.id, 'verify', 1, 1 / 3600)).allowed).toBe(true);
    expect((await consume(bob.id, 'chat', 1, 1 / 3600)).allowed).toBe(true);
  });

  it('refills over time (a stored refill moment in the past)', async () => {
    const user = await createAuthUser(db.sql);
    for (let i = 0; i < 2; i++) await consume(user.id, 'chat', 2, 1);
    expect((await consume(user.id, 'chat', 2, 1)).allowed).toBe(false);
    await db.sql`update private.rate_limit_buckets set refilled_at = refilled_at - interval '10 seconds' where user_id = ${user.id}`;
    expect((await consume(user.id, 'chat', 2, 1)).allowed).toBe(true);
    const [bucket] = await db.sql`select tokens from private.rate_limit_buckets where user_id = ${user.id}`;
    expect(bucket.tokens).toBeCloseTo(1, 1); // refilled to the capacity of 2, minus 1
  });

  it('never lets concurrent requests spend the same token', async () => {
    const user = await createAuthUser(db.sql);
    const pool = (await import('postgres')).default(db.url, { max: 10, onnotice: () => {} });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () =>
        pool`select allowed from private.consume_rate_limit(${user.id}, 'burst', 5, ${1 / 3600})`));
      expect(results.filter(([r]) => r.allowed)).toHaveLength(5);
    } finally {
      await pool.end();
    }
  });

  it('rejects nonsense arguments', async () => {
    const user = await createAuthUser(db.sql);
    await expect(consume(user.id, 'chat', 0, 1)).rejects.toThrow(/capacity/);
    await expect(consume(user.id, 'chat', 2, 1, 3)).rejects.toThrow(/capacity/);
    await expect(consume(user.id, 'Not A Bucket!', 2, 1)).rejects.toThrow(/check constraint/);
  });

  it('forgets a deleted user', async () => {
    const user = await createAuthUser(db.sql);
    await consume(user.id, 'chat', 2, 1);
    await db.sql`delete from auth.users where id = ${user.id}`;
    const rows = await db.sql`select 1 from private.rate_limit_buckets where user_id = ${user.id}`;
    expect(rows).toHaveLength(0);
  });
});

describe('private.read_credential_ciphertext', () => {
  it("returns exactly the given user's ciphertext for a provider", async () => {
    const alice = await createAuthUser(db.sql);
    const bob = await createAuthUser(db.sql);
    await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, base_url) values
      (${alice.id}, 'custom', 'v1.alice.key', 'https://llm.example.test/v1'),
      (${bob.id}, 'custom', 'v1.bob.key', null)`;
    const rows = await db.sql`select * from private.read_credential_ciphertext(${alice.id}, 'custom')`;
    expect(rows).toEqual([{ encrypted_key: 'v1.alice.key', base_url: 'https://llm.example.test/v1' }]);
    expect(await db.sql`select * from private.read_credential_ciphertext(${alice.id}, 'openai')`).toHaveLength(0);
  });
});
