// api_keys: owner-only rows whose hash the API roles cannot read; keys are created only
// through private.create_api_key (the function, as the owner, for the verified user) and
// found by private.authenticate_api_key. Directly — as the Data API would — a user may list
// and revoke their keys (revoked_at, stamped now, never cleared; a revoked key is kept so its
// calls stay attributed), never plant, change or delete one, and a key-authenticated request
// cannot revoke.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, claimsFor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const VISIBLE = 'id, user_id, name, prefix, scopes, expires_at, last_used_at, created_at, revoked_at';

async function ownerWithKey(scopes = ['prompts:read']): Promise<{ owner: AuthUser; id: string; hash: Buffer }> {
  const owner = await createAuthUser(db.sql);
  const key = `mrp_${randomBytes(32).toString('base64url')}`;
  const hash = createHash('sha256').update(key).digest();
  const [row] = await db.sql`select id from private.create_api_key(${owner.id}::uuid, ' CI ', ${key.slice(0, 12)}, ${hash}::bytea, ${scopes}::text[], null)`;
  return { owner, id: row.id, hash };
}

describe('api_keys: owner', () => {
  it('lists their keys without the hash', async () => {
    const { owner, id } = await ownerWithKey();
    const rows = await asActor(db.sql, owner, (tx) => tx.unsafe(`select ${VISIBLE} from public.api_keys`));
    expect(rows.map((r) => [r.id, r.name, r.scopes])).toEqual([[id, 'CI', ['prompts:read']]]);
    await expect(asActor(db.sql, owner, (tx) => tx`select key_hash from public.api_keys`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('cannot insert, change or delete a key directly, only revoke it, once, at the time it does', async () => {
    const { owner, id } = await ownerWithKey();
    const hash = `\\x${'ab'.repeat(32)}`;
    for (const query of [
      `insert into public.api_keys (user_id, name, prefix, key_hash, scopes) values ('${owner.id}', 'x', 'mrp_AAAAAAAA', '${hash}', '{chat}')`,
      `update public.api_keys set scopes = '{chat,prompts:read}' where id = '${id}'`,
      `update public.api_keys set expires_at = null where id = '${id}'`,
      `delete from public.api_keys where id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
    await expect(asActor(db.sql, owner, (tx) => tx`select * from private.create_api_key(${owner.id}::uuid, 'x', 'mrp_AAAAAAAA', ${hash}::bytea, '{chat}', null)`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`select * from private.authenticate_api_key(${hash}::bytea)`)).rejects.toThrow(PERMISSION_DENIED);
    const [revoked] = await asActor(db.sql, owner, (tx) => tx`
      update public.api_keys set revoked_at = '2000-01-01' where id = ${id} returning revoked_at, now() as now`);
    // Stamped with the time it happened, whatever the writer said.
    expect(revoked!.revoked_at).toEqual(revoked!.now);
    for (const query of [`update public.api_keys set revoked_at = null where id = '${id}'`, `update public.api_keys set revoked_at = now() + interval '1 day' where id = '${id}'`]) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(query)), query).rejects.toThrow(/stays revoked/);
    }
    const [kept] = await db.sql`select revoked_at from public.api_keys where id = ${id}`;
    expect(kept!.revoked_at).toEqual(revoked!.revoked_at);
  });

  it('cannot revoke keys from a request authenticated with an API key', async () => {
    const { owner, id } = await ownerWithKey();
    const keyClaims = JSON.stringify({ ...claimsFor(owner), api_key_id: id });
    const revoked = await db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${keyClaims}, true)`;
      await tx`set local role authenticated`;
      return await tx`update public.api_keys set revoked_at = now() where id = ${id} returning id`;
    });
    expect(revoked).toHaveLength(0);
  });
});

describe('api_keys: stranger, anonymous, service role', () => {
  it("a stranger neither sees nor revokes someone's keys", async () => {
    const { id } = await ownerWithKey();
    const stranger = await createAuthUser(db.sql);
    expect(await asActor(db.sql, stranger, (tx) => tx.unsafe(`select ${VISIBLE} from public.api_keys where id = '${id}'`))).toEqual([]);
    expect(await asActor(db.sql, stranger, (tx) => tx`update public.api_keys set revoked_at = now() where id = ${id} returning id`)).toEqual([]);
  });

  it('anonymous visitors have no access', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select id from public.api_keys`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`delete from public.api_keys`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`update public.api_keys set revoked_at = now()`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('the service role reads everything', async () => {
    const { id } = await ownerWithKey();
    const rows = await asActor(db.sql, 'service_role', (tx) => tx`select id, key_hash from public.api_keys where id = ${id}`);
    expect(rows).toHaveLength(1);
  });
});

describe('authenticate_api_key', () => {
  it('finds live keys, marks them used at most once a minute, and skips expired, deleted or banned', async () => {
    const { owner, id, hash } = await ownerWithKey(['chat']);
    const [found] = await db.sql`select * from private.authenticate_api_key(${hash}::bytea)`;
    expect(found).toMatchObject({ key_id: id, user_id: owner.id, email: owner.email, scopes: ['chat'] });
    const [{ last_used_at: first }] = await db.sql`select last_used_at from public.api_keys where id = ${id}`;
    expect(first).not.toBeNull();
    await db.sql`select * from private.authenticate_api_key(${hash}::bytea)`;
    const [{ last_used_at: second }] = await db.sql`select last_used_at from public.api_keys where id = ${id}`;
    expect(second).toEqual(first);

    await db.sql`update public.api_keys set expires_at = now() - interval '1 ms' where id = ${id}`;
    expect(await db.sql`select * from private.authenticate_api_key(${hash}::bytea)`).toHaveLength(0);
    await db.sql`update public.api_keys set expires_at = now() + interval '1 hour' where id = ${id}`;
    await db.sql`update auth.users set banned_until = now() + interval '1 hour' where id = ${owner.id}`;
    expect(await db.sql`select * from private.authenticate_api_key(${hash}::bytea)`).toHaveLength(0);
    await db.sql`update auth.users set banned_until = null, deleted_at = now() where id = ${owner.id}`;
    expect(await db.sql`select * from private.authenticate_api_key(${hash}::bytea)`).toHaveLength(0);
  });

  it('skips revoked keys, and marks a key used only when it holds a scope the request accepts', async () => {
    const { id, hash } = await ownerWithKey(['prompts:read']);
    const lastUsed = async () => (await db.sql`select last_used_at from public.api_keys where id = ${id}`)[0]!.last_used_at;
    // Found (so the API can answer 403 insufficient_scope), not marked used.
    expect(await db.sql`select key_id from private.authenticate_api_key(${hash}::bytea, ${['chat']}::text[])`).toEqual([{ key_id: id }]);
    expect(await lastUsed()).toBeNull();
    await db.sql`select * from private.authenticate_api_key(${hash}::bytea, ${['prompts:read']}::text[])`;
    expect(await lastUsed()).not.toBeNull();
    await db.sql`update public.api_keys set revoked_at = now() where id = ${id}`;
    expect(await db.sql`select * from private.authenticate_api_key(${hash}::bytea, ${['prompts:read']}::text[])`).toHaveLength(0);
  });

  it('refuses malformed rows: bad scopes, hash length, prefix', async () => {
    const owner = await createAuthUser(db.sql);
    const hash = createHash('sha256').update('x').digest();
    for (const [prefix, h, scopes] of [
      ['mrp_AAAAAAAA', hash, ['admin']],
      ['mrp_AAAAAAAA', hash.subarray(0, 16), ['chat']],
      ['sk_AAAAAAAAA', hash, ['chat']],
      ['mrp_AAAAAAAA', hash, []],
    ] as const) {
      await expect(db.sql`select * from private.create_api_key(${owner.id}::uuid, 'x', ${prefix}, ${h}::bytea, ${scopes as unknown as string[]}::text[], null)`)
        .rejects.toThrow(/check constraint/);
    }
  });
});
