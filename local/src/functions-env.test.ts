// What functions receive from the local stack (issue 10, finding 3): private provider URLs
// are refused by default, and only the operator's environment or supabase/functions/.env
// turns that off — `npm start` itself never does. The operator's CREDENTIALS_ENCRYPTION_KEYS
// and CORS_ORIGINS are used, not replaced by keys.json's and the derived ones (QA10 #1, #2).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadProjectConfig } from './config.ts';
import { randomBytes } from 'node:crypto';
import { generateKeys, type StackKeys } from './keys/index.ts';
import { functionsEnv } from './functions-env.ts';

const dirs: string[] = [];
const OURS = ['ALLOW_PRIVATE_PROVIDER_URLS', 'CREDENTIALS_ENCRYPTION_KEYS', 'CORS_ORIGINS'] as const;
const saved = Object.fromEntries(OURS.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const name of OURS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

async function resultWith(dotenv: string | null, keys?: StackKeys) {
  for (const name of OURS) delete process.env[name];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-fnenv-'));
  dirs.push(dir);
  if (dotenv !== null) writeFileSync(path.join(dir, '.env'), dotenv);
  return functionsEnv({
    keys: keys ?? (await generateKeys()), apiUrl: 'http://127.0.0.1:54321', dbUrl: 'postgresql://x', config: loadProjectConfig(),
    webUrl: 'http://127.0.0.1:3000', demoProviderUrl: 'http://127.0.0.1:9999/v1', functionsDir: dir,
  });
}

async function envWith(dotenv: string | null) {
  return (await resultWith(dotenv)).env;
}

const newKey = () => randomBytes(32).toString('base64');

it('leaves private provider URLs refused by default (the demo provider still gets its URL)', async () => {
  delete process.env.ALLOW_PRIVATE_PROVIDER_URLS;
  const env = await envWith(null);
  expect(env.ALLOW_PRIVATE_PROVIDER_URLS).toBeUndefined();
  expect(env.DEMO_PROVIDER_URL).toBe('http://127.0.0.1:9999/v1');
});

it('lets supabase/functions/.env or the environment of npm start decide', async () => {
  expect((await envWith('ALLOW_PRIVATE_PROVIDER_URLS=true\n')).ALLOW_PRIVATE_PROVIDER_URLS).toBe('true');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-fnenv-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, '.env'), 'ALLOW_PRIVATE_PROVIDER_URLS=true\n');
  const inputs = { keys: await generateKeys(), apiUrl: 'http://127.0.0.1:54321', dbUrl: 'postgresql://x', config: loadProjectConfig() };
  process.env.ALLOW_PRIVATE_PROVIDER_URLS = 'true';
  expect(functionsEnv(inputs).env.ALLOW_PRIVATE_PROVIDER_URLS).toBe('true');
  // The shell wins over the file, as for any variable you set when starting a program.
  process.env.ALLOW_PRIVATE_PROVIDER_URLS = 'false';
  expect(functionsEnv({ ...inputs, functionsDir: dir }).env.ALLOW_PRIVATE_PROVIDER_URLS).toBe('false');
});

it('uses keys.json\'s encryption keys, without a word, when nobody sets a list', async () => {
  const keys = await generateKeys();
  const result = await resultWith(null, keys);
  expect(result.env.CREDENTIALS_ENCRYPTION_KEYS).toBe(keys.credentialsEncryptionKeys);
  expect(result.encryptionKeysFrom).toBe('keys.json');
  expect(result.warnings).toEqual([]);
  // The same list written out (as after copying it) is no conflict either.
  expect((await resultWith(`CREDENTIALS_ENCRYPTION_KEYS=${keys.credentialsEncryptionKeys}\n`, keys)).warnings).toEqual([]);
});

it('uses a rotated list from supabase/functions/.env over keys.json\'s, and says so without printing a key', async () => {
  const keys = await generateKeys();
  const rotated = `2:${newKey()},${keys.credentialsEncryptionKeys}`;
  const result = await resultWith(`CREDENTIALS_ENCRYPTION_KEYS=${rotated}\n`, keys);
  expect(result.env.CREDENTIALS_ENCRYPTION_KEYS).toBe(rotated);
  expect(result.encryptionKeysFrom).toBe('supabase/functions/.env');
  expect(result.warnings).toHaveLength(1);
  expect(result.warnings[0]).toContain('supabase/functions/.env (key versions 2, 1) is used instead of keys.json\'s (key version 1)');
  for (const [, key] of rotated.split(',').map((part) => part.split(':'))) expect(result.warnings[0]).not.toContain(key);
});

it('lets the environment of npm start set the encryption keys over supabase/functions/.env', async () => {
  const keys = await generateKeys();
  const fromFile = `2:${newKey()},${keys.credentialsEncryptionKeys}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-fnenv-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, '.env'), `CREDENTIALS_ENCRYPTION_KEYS=${fromFile}\n`);
  const fromShell = `3:${newKey()},${keys.credentialsEncryptionKeys}`;
  process.env.CREDENTIALS_ENCRYPTION_KEYS = fromShell;
  const result = functionsEnv({ keys, apiUrl: 'http://127.0.0.1:54321', dbUrl: 'postgresql://x', config: loadProjectConfig(), functionsDir: dir });
  expect(result.env.CREDENTIALS_ENCRYPTION_KEYS).toBe(fromShell);
  expect(result.warnings[0]).toContain('from the environment of npm start');
});

it('adds the origins listed in CORS_ORIGINS to the web app\'s own', async () => {
  const origins = (await envWith('CORS_ORIGINS=http://localhost:5173, https://tools.example.com\n')).CORS_ORIGINS!.split(',');
  expect(origins).toEqual(expect.arrayContaining(['http://localhost:5173', 'https://tools.example.com', 'http://127.0.0.1:3000', 'http://localhost:3000']));
  expect((await envWith(null)).CORS_ORIGINS!.split(',')).not.toContain('http://localhost:5173');
});
