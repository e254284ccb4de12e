// What functions receive from the local stack (issue 10, finding 3): private provider URLs
// are refused by default, and only the operator's environment or supabase/functions/.env
// turns that off — `npm start` itself never does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadProjectConfig } from './config.ts';
import { generateKeys } from './keys/index.ts';
import { functionsEnv } from './functions-env.ts';

const dirs: string[] = [];
const saved = process.env.ALLOW_PRIVATE_PROVIDER_URLS;
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.ALLOW_PRIVATE_PROVIDER_URLS;
  else process.env.ALLOW_PRIVATE_PROVIDER_URLS = saved;
});

async function envWith(dotenv: string | null) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-fnenv-'));
  dirs.push(dir);
  if (dotenv !== null) writeFileSync(path.join(dir, '.env'), dotenv);
  return functionsEnv({
    keys: await generateKeys(), apiUrl: 'http://127.0.0.1:54321', dbUrl: 'postgresql://x', config: loadProjectConfig(),
    demoProviderUrl: 'http://127.0.0.1:9999/v1', functionsDir: dir,
  });
}

it('leaves private provider URLs refused by default (the demo provider still gets its URL)', async () => {
  delete process.env.ALLOW_PRIVATE_PROVIDER_URLS;
  const env = await envWith(null);
  expect(env.ALLOW_PRIVATE_PROVIDER_URLS).toBeUndefined();
  expect(env.DEMO_PROVIDER_URL).toBe('http://127.0.0.1:9999/v1');
});

it('lets supabase/functions/.env or the environment of npm start decide', async () => {
  delete process.env.ALLOW_PRIVATE_PROVIDER_URLS;
  expect((await envWith('ALLOW_PRIVATE_PROVIDER_URLS=true\n')).ALLOW_PRIVATE_PROVIDER_URLS).toBe('true');
  process.env.ALLOW_PRIVATE_PROVIDER_URLS = 'true';
  expect((await envWith(null)).ALLOW_PRIVATE_PROVIDER_URLS).toBe('true');
  // The shell wins over the file, as for any variable you set when starting a program.
  process.env.ALLOW_PRIVATE_PROVIDER_URLS = 'false';
  expect((await envWith('ALLOW_PRIVATE_PROVIDER_URLS=true\n')).ALLOW_PRIVATE_PROVIDER_URLS).toBe('false');
});
