// Key rotation: every row moves to the newest key and still decrypts to the same key.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { credentialKeyVersion, decryptCredential } from '../lib/credentials-crypto.ts';
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
    const plain = await decryptCredential([rotated[0]], { userId: row.user_id, provider: row.provider }, row.encrypted_key);
    expect(plain).toBe(row.user_id === alice.id ? 'sk-alice-key-1111' : 'gsk-bob-key-2222');
  }
  expect((await reencryptCredentials(api.db.url, rotated)).alreadyCurrent).toBe(2);
});
