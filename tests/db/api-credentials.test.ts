// api_credentials: owner-only rows whose ciphertext the API roles can neither read nor write:
// keys are stored through private.store_credential (the function, as the owner, for the
// verified user). Directly — as the Data API would — a user may only delete a key or mark
// when it was last used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const VISIBLE = 'id, user_id, provider, key_hint, base_url, last_used_at, created_at, updated_at';

async function ownerWithCredential(): Promise<{ owner: AuthUser; id: string }> {
  const owner = await createAuthUser(db.sql);
  const [row] = await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint)
    values (${owner.id}, 'openai', 'v1.nonce.ciphertext', '…abcd') returning id`;
  return { owner, id: row.id };
}

describe('api_credentials: owner', () => {
  it('reads their credentials without the ciphertext', async () => {
    const { owner, id } = await ownerWithCredential();
    const rows = await asActor(db.sql, owner, (tx) => tx.unsafe(`select ${VISIBLE} from public.api_credentials`));
    expect(rows.map((r) => [r.id, r.provider, r.key_hint])).toEqual([[id, 'openai', '…abcd']]);
  });

  it('cannot select encrypted_key, not even their own', async () => {
    const { owner } = await ownerWithCredential();
    await expect(asActor(db.sql, owner, (tx) => tx`select encrypted_key from public.api_credentials`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`select * from public.api_credentials`))
      .rejects.toThrow(PERMISSION_DENIED);
  });

  it('cannot insert, re-point or replace a key directly (what PostgREST would send), only delete it', async () => {
    const { owner, id } = await ownerWithCredential();
    for (const query of [
      `insert into public.api_credentials (user_id, provider, encrypted_key, key_hint) values ('${owner.id}', 'groq', 'v1.a.b', '…1111')`,
      `update public.api_credentials set base_url = 'https://evil.example/v1' where id = '${id}'`,
      `update public.api_credentials set encrypted_key = 'v1.c.d' where id = '${id}'`,
      `update public.api_credentials set key_hint = '…2222', provider = 'custom' where id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
    const [row] = await db.sql`select base_url, encrypted_key from public.api_credentials where id = ${id}`;
    expect(row).toEqual({ base_url: null, encrypted_key: 'v1.nonce.ciphertext' });
    const result = await asActor(db.sql, owner, async (tx) => ({
      touched: (await tx`update public.api_credentials set last_used_at = now() where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.api_credentials where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ touched: 1, deleted: 1 });
  });

  it('stores through private.store_credential, which only the owner connection may call', async () => {
    const owner = await createAuthUser(db.sql);
    await expect(asActor(db.sql, owner, (tx) => tx`select * from private.store_credential(${owner.id}, 'groq', 'v1.a.b', '…1111', null)`))
      .rejects.toThrow(PERMISSION_DENIED);
    const [first] = await db.sql`select * from private.store_credential(${owner.id}, 'groq', 'v1.a.b', '…1111', null)`;
    const [second] = await db.sql`select * from private.store_credential(${owner.id}, 'groq', 'v1.c.d', '…2222', null)`;
    expect([first.key_hint, second.key_hint]).toEqual(['…1111', '…2222']);
    const rows = await db.sql`select encrypted_key from public.api_credentials where user_id = ${owner.id}`;
    expect(rows).toEqual([{ encrypted_key: 'v1.c.d' }]);
    await expect(db.sql`select * from private.store_credential(${owner.id}, 'Open AI', 'v1.x.y', '', null)`).rejects.toThrow(/check constraint/);
  });
});

describe('api_credentials: another user', () => {
  it('sees nothing and cannot change or delete the owner’s key', async () => {
    const { owner, id } = await ownerWithCredential();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx.unsafe(`select ${VISIBLE} from public.api_credentials`)).length,
      updated: (await tx`update public.api_credentials set last_used_at = now() where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.api_credentials where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, updated: 0, deleted: 0 });
    const [row] = await db.sql`select encrypted_key from public.api_credentials where user_id = ${owner.id}`;
    expect(row.encrypted_key).toBe('v1.nonce.ciphertext');
  });

  it('cannot store a key under the owner’s user id', async () => {
    const { owner } = await ownerWithCredential();
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.api_credentials (user_id, provider, encrypted_key)
      values (${owner.id}, 'mistral', 'v1.x.y')`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('api_credentials: anonymous', () => {
  it('has no access at all', async () => {
    const { owner, id } = await ownerWithCredential();
    for (const query of [
      'select id from public.api_credentials',
      `insert into public.api_credentials (user_id, provider, encrypted_key) values ('${owner.id}', 'groq', 'x')`,
      `update public.api_credentials set key_hint = 'x' where id = '${id}'`,
      `delete from public.api_credentials where id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('api_credentials: service role', () => {
  it('reads (including ciphertext), writes and deletes any row', async () => {
    const { owner, id } = await ownerWithCredential();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      key: (await tx`select encrypted_key from public.api_credentials where id = ${id}`)[0].encrypted_key,
      inserted: (await tx`insert into public.api_credentials (user_id, provider, encrypted_key) values (${owner.id}, 'deepseek', 'v1.s.t') returning id`).length,
      updated: (await tx`update public.api_credentials set key_hint = '…zzzz' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.api_credentials where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ key: 'v1.nonce.ciphertext', inserted: 1, updated: 1, deleted: 1 });
  });
});
