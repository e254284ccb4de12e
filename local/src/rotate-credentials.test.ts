// QA10 #1: rotating the local stack's key must leave every stored provider key readable by the
// next start. keys.json, which the start and backups use, gets the new list, and the start
// says so when the database holds keys under a version its list lacks.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/helpers/api.ts';
import { loadConfig } from '../../supabase/functions/api/config.ts';
import { credentialKeyVersion, decryptCredential } from '../../supabase/functions/api/lib/credentials-crypto.ts';
import { unreadableSecretsWarning } from './function-settings.ts';
import { getFreePort } from './ports.ts';
import { rotateLocalCredentials } from './rotate-credentials.ts';

let api: ApiHarness;
let dataDir: string;
beforeAll(async () => {
  api = await createApiHarness();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-rotate-'));
  writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify(api.keys), { mode: 0o600 });
});
afterAll(async () => {
  await api?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('puts a new key first in keys.json, moves every provider key to it, and prints no key', async () => {
  const alice = await api.createUser();
  await alice.request('PUT', '/credentials/openai', { api_key: 'sk-alice-rotate-1111' });
  const before = api.keys.credentialsEncryptionKeys;
  expect(await unreadableSecretsWarning(api.db.url, before, 'keys.json')).toBeUndefined();

  const printed: string[] = [];
  const functionsDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-rotate-fn-'));
  const complete = await rotateLocalCredentials({ dataDir, databaseUrl: api.db.url, functionsDir, apiPort: await getFreePort(), print: (line) => printed.push(line) });
  rmSync(functionsDir, { recursive: true, force: true });
  expect(complete).toBe(true);

  const file = path.join(dataDir, 'keys.json');
  const after = (JSON.parse(readFileSync(file, 'utf8')) as { credentialsEncryptionKeys: string }).credentialsEncryptionKeys;
  expect(after.endsWith(`,${before}`)).toBe(true);
  expect(after.startsWith('2:')).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const [row] = await api.db.sql<{ encrypted_key: string }[]>`select encrypted_key from public.api_credentials where user_id = ${alice.id}`;
  expect(credentialKeyVersion(row!.encrypted_key)).toBe(2);
  const { encryptionKeys } = loadConfig({ SUPABASE_URL: 'http://x', SUPABASE_DB_URL: 'postgresql://x', CREDENTIALS_ENCRYPTION_KEYS: after });
  expect(await decryptCredential(encryptionKeys, { userId: alice.id, provider: 'openai', baseUrl: null }, row!.encrypted_key)).toBe('sk-alice-rotate-1111');

  const output = printed.join('\n');
  expect(output).toContain('keys.json now holds key versions 2, 1');
  expect(output).toContain('Re-encrypted 1 of 1 credentials to key version 2');
  for (const part of after.split(',')) expect(output).not.toContain(part.split(':')[1]);

  // Starting with the old list (a .env left behind, a keys.json from an older backup) is said.
  const warning = await unreadableSecretsWarning(api.db.url, before, 'supabase/functions/.env');
  expect(warning).toContain('encrypted under key version 2, which CREDENTIALS_ENCRYPTION_KEYS (supabase/functions/.env) lacks');
  expect(await unreadableSecretsWarning(api.db.url, after, 'keys.json')).toBeUndefined();
});

it('refuses while supabase/functions/.env sets the list, which the start would use instead of keys.json', async () => {
  const functionsDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-rotate-fn-'));
  writeFileSync(path.join(functionsDir, '.env'), `CREDENTIALS_ENCRYPTION_KEYS=${api.keys.credentialsEncryptionKeys}\n`);
  const keysBefore = readFileSync(path.join(dataDir, 'keys.json'), 'utf8');
  await expect(rotateLocalCredentials({ dataDir, databaseUrl: api.db.url, functionsDir, apiPort: await getFreePort(), print: () => {} }))
    .rejects.toThrow('supabase/functions/.env sets CREDENTIALS_ENCRYPTION_KEYS');
  rmSync(functionsDir, { recursive: true, force: true });
  expect(readFileSync(path.join(dataDir, 'keys.json'), 'utf8')).toBe(keysBefore);
});
