// Key rotation: every row moves to the newest key and still decrypts to the same key.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { credentialKeyVersion, decryptCredential } from '../lib/credentials-crypto.ts';
import { openShareToken } from '../lib/share-link-seal.ts';
import { reencryptCredentials } from './reencrypt-credentials.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

it('re-encrypts every row to the newest key', async () => {
  const alice = await api.createUser();
  const bob = await api.createUser();
  await alice.request('PUT', '/credentials/openai', { api_key: 'sk-alice-key-1111' });
  await bob.request('PUT', '/credentials/groq', { api_key: 'gsk-bob-key-2222' });
  const rotated = [{ version: 7, key: new Uint8Array(randomBytes(32)) }, ...api.config.encryptionKeys];

  const result = await reencryptCredentials(api.db.url, rotated);
  expect(result).toMatchObject({ total: 2, rewritten: 2, alreadyCurrent: 0, failed: [] });
  const rows = await api.db.sql<{ user_id: string; provider: string; encrypted_key: string }[]>`
    select user_id, provider, encrypted_key from public.api_credentials`;
  for (const row of rows) {
    expect(credentialKeyVersion(row.encrypted_key)).toBe(7);
    const plain = await decryptCredential([rotated[0]!], { userId: row.user_id, provider: row.provider, baseUrl: null }, row.encrypted_key);
    expect(plain).toBe(row.user_id === alice.id ? 'sk-alice-key-1111' : 'gsk-bob-key-2222');
  }
  expect((await reencryptCredentials(api.db.url, rotated)).alreadyCurrent).toBe(2);
});

it('rewrites legacy ciphertexts (from before base_url was bound) in the current form, bound to the row\'s base URL', async () => {
  const carol = await api.createUser();
  const baseUrl = api.fakeProvider.url;
  const [current] = api.config.encryptionKeys;
  // What a row written before the migration looks like: old associated data, marked legacy.
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(12), additionalData: new TextEncoder().encode(`${carol.id}|custom|${current!.version}`), tagLength: 128 },
    await crypto.subtle.importKey('raw', current!.key as BufferSource, 'AES-GCM', false, ['encrypt']),
    new TextEncoder().encode('sk-carol-legacy-3333'),
  );
  const legacy = `legacy.v${current!.version}.${Buffer.alloc(12).toString('base64url')}.${Buffer.from(sealed).toString('base64url')}`;
  const [inserted] = await api.db.sql<{ id: string }[]>`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint, base_url)
    values (${carol.id}, 'custom', ${legacy}, '…3333', ${baseUrl}) returning id`;
  // The function still reads it before the rotation...
  expect(await (await carol.request('POST', '/credentials/custom/verify')).json()).toMatchObject({ ok: true });

  const result = await reencryptCredentials(api.db.url, api.config.encryptionKeys);
  // (The first test's rows are under a key this run does not pass; only carol's matters.)
  expect(result.failed.map((f) => f.id)).not.toContain(inserted!.id);
  const [row] = await api.db.sql<{ encrypted_key: string }[]>`select encrypted_key from public.api_credentials where user_id = ${carol.id}`;
  expect(row!.encrypted_key).toMatch(/^v\d+\./);
  expect(await decryptCredential(api.config.encryptionKeys, { userId: carol.id, provider: 'custom', baseUrl }, row!.encrypted_key)).toBe('sk-carol-legacy-3333');
  // ...and after it, the key is bound to that base URL.
  await expect(decryptCredential(api.config.encryptionKeys, { userId: carol.id, provider: 'custom', baseUrl: 'https://evil.example' }, row!.encrypted_key)).rejects.toThrow();
  expect(await (await carol.request('POST', '/credentials/custom/verify')).json()).toMatchObject({ ok: true });
});

it("moves the kept copy of each chat's share link to the newest key, still that link's", async () => {
  const dana = await api.createUser();
  const session = (await (await dana.request('POST', '/sessions', { title: 'Shared', metadata: { provider: 'demo', model: 'demo-model' } })).json()) as { id: string };
  const link = (await (await dana.request('POST', `/sessions/${session.id}/share`, { live: true })).json()) as { token: string };
  const rotated = [{ version: 8, key: new Uint8Array(randomBytes(32)) }, ...api.config.encryptionKeys];

  const result = await reencryptCredentials(api.db.url, rotated);
  expect(result.shareLinks).toMatchObject({ rewritten: 1, failed: [] });
  const [row] = await api.db.sql<{ token_sealed: string; token_hash: Uint8Array }[]>`
    select token_sealed, token_hash from public.session_shares where session_id = ${session.id}`;
  expect(credentialKeyVersion(row!.token_sealed)).toBe(8);
  // Opens under the new key alone, as the link's own token.
  expect(await openShareToken([rotated[0]!], dana.id, session.id, row!.token_sealed, new Uint8Array(row!.token_hash))).toBe(link.token);
  expect((await reencryptCredentials(api.db.url, rotated)).shareLinks).toMatchObject({ rewritten: 0, alreadyCurrent: 1 });
});
