/**
 * `npm run credentials:rotate`: moves stored provider keys and kept share links to a new
 * encryption key.
 *
 *   SUPABASE_DB_URL=… CREDENTIALS_ENCRYPTION_KEYS="2:new,1:old" npm run credentials:rotate
 *       any database (hosted Supabase): the list is yours to keep in the function's secrets.
 *   npm run credentials:rotate
 *       the local stack, stopped: a new key goes first in keys.json's list (the old ones kept
 *       after it), then every row moves to it. keys.json is written before any row, so a
 *       rotation cut short leaves nothing unreadable, and the next `npm start` and
 *       `npm run backup` carry the new key with nothing else to edit.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { rotateAndReport } from '../../supabase/functions/api/scripts/reencrypt-credentials.ts';
import { loadProjectConfig } from './config.ts';
import { startEmbeddedPostgres } from './db/index.ts';
import { keyVersions, versionsOf } from './functions-env.ts';
import { loadOrCreateKeys, saveKeys } from './keys/index.ts';
import { DATA_DIR, SUPABASE_DIR } from './paths.ts';
import { isPortInUse } from './ports.ts';

export interface LocalRotation {
  dataDir: string;
  /** A Postgres of your own (DATABASE_URL), else the embedded one on the data folder. */
  databaseUrl?: string;
  functionsDir?: string;
  /** The port a running stack's API holds (default config.toml's [api] port). */
  apiPort?: number;
  print?: (line: string) => void;
}

/** Rotates the local stack's key; resolves to whether every provider key moved. */
export async function rotateLocalCredentials(options: LocalRotation): Promise<boolean> {
  const print = options.print ?? console.log;
  const config = loadProjectConfig();
  const apiPort = options.apiPort ?? config.api.port;
  if (await isPortInUse(apiPort)) {
    throw new Error(`port ${apiPort} is in use: stop \`npm start\` first (its function keeps the key list it started with), then rotate.`);
  }
  const dotenvFile = path.join(options.functionsDir ?? path.join(SUPABASE_DIR, 'functions'), '.env');
  if (existsSync(dotenvFile) && parseEnv(readFileSync(dotenvFile, 'utf8')).CREDENTIALS_ENCRYPTION_KEYS) {
    throw new Error(
      'supabase/functions/.env sets CREDENTIALS_ENCRYPTION_KEYS, which npm start uses instead of keys.json: put that list ' +
        'in keys.json\'s "credentialsEncryptionKeys" if it differs, remove the line, then rotate.',
    );
  }
  // Only an existing keys.json: new keys beside an existing database would open nothing.
  const keysFile = path.join(options.dataDir, 'keys.json');
  if (!existsSync(keysFile)) throw new Error(`${keysFile} is missing: there is no key to rotate from (restore it from a backup).`);
  const keys = await loadOrCreateKeys(options.dataDir);
  const current = keys.credentialsEncryptionKeys;
  const version = Math.max(0, ...keyVersions(current)) + 1;
  const rotated = `${version}:${randomBytes(32).toString('base64')},${current}`;
  await saveKeys(options.dataDir, { ...keys, credentialsEncryptionKeys: rotated });
  print(`keys.json now holds key ${versionsOf(rotated)}: ${version} encrypts, the older ones still decrypt.`);

  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'db'), port: config.db.port });
  try {
    const complete = await rotateAndReport(options.databaseUrl ?? embedded!.url, rotated, print);
    print('Start again with `npm start`; make a new backup (`npm run backup`): older ones lack the new key.');
    return complete;
  } finally {
    await embedded?.stop();
  }
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('Set SUPABASE_DB_URL (or DATABASE_URL) to the database to update');
  return url;
}

async function main(): Promise<void> {
  const { SUPABASE_DB_URL, DATABASE_URL, CREDENTIALS_ENCRYPTION_KEYS } = process.env;
  // A list or a database named for the purpose is the any-database form, as it always was.
  const complete = SUPABASE_DB_URL || CREDENTIALS_ENCRYPTION_KEYS
    ? await rotateAndReport(requireUrl(SUPABASE_DB_URL || DATABASE_URL), CREDENTIALS_ENCRYPTION_KEYS)
    : await rotateLocalCredentials({ dataDir: DATA_DIR, databaseUrl: DATABASE_URL || undefined });
  if (!complete) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`mrprompt: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
