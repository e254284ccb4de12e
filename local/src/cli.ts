/**
 * `npm start` / `npm run dev` / `npm run env` / `npm run db:types`.
 *
 *   start   Postgres + gateway (auth, realtime, functions) + the web app; Ctrl-C stops all.
 *   dev     the same, reloading functions on change and serving the web app with `vite dev`.
 *   env     dotenv lines for the web app and tools (URL, keys, JWKS, database URL).
 *   types   regenerates supabase/functions/_shared/database.types.ts from the migrations.
 *   backup [file]   keys.json, the database and Storage's files as one .tgz, running or not.
 *   restore <file>  puts such a backup in place (the stack stopped); what it replaces is kept.
 *
 * DATABASE_URL (a superuser URL) replaces the embedded Postgres. A fake OpenAI-compatible
 * provider ("Demo (offline)") runs too, so a new user can chat without a key; its URL reaches
 * the function as DEMO_PROVIDER_URL. `--no-demo` leaves it out. `--new-keys` lets a start make
 * new keys when keys.json is lost although the database holds provider keys encrypted with it.
 * MRPROMPT_WEB_PORT moves the web app off 3000.
 */
import { existsSync } from 'node:fs';
import { backup, restore } from './backup.ts';
import { sweepStaleStaging } from './backup-staging.ts';
import path from 'node:path';
import { loadProjectConfig, requireCurrentPasswordFromEnv } from './config.ts';
import { startDatabase } from './db/index.ts';
import { postgresUserIds } from './db/embedded.ts';
import { writeDatabaseTypes } from './db/types.ts';
import { functionsJwks, loadOrCreateKeys } from './keys/index.ts';
import { isPortInUse } from './ports.ts';
import { checkPorts, trustedProxyDepthFrom, webPortFrom } from './preflight.ts';
import { DATA_DIR, ROOT } from './paths.ts';
import { createProgress, type Progress } from './progress.ts';
import { parsePublicUrl, startStack, storedCredentials, type Stack } from './stack.ts';
import { openStackLog } from './stack-log.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { rebuildWebApp, webBuildState, WebBuildError } from './web-build.ts';

const LOG_DIR = path.join(DATA_DIR, 'logs');

const [command = 'start', ...flags] = process.argv.slice(2);

function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

function embeddedUrl(): string {
  return `postgresql://postgres:postgres@127.0.0.1:${loadProjectConfig().db.port}/postgres`;
}

/** Builds the web app when there is no build or its sources changed since; the output goes
 * to a log file, shown only if the build fails (then the stack starts without the web app). */
async function ensureWebBuild(progress: Progress): Promise<void> {
  const state = webBuildState();
  if (state === 'current') return;
  const label = state === 'missing' ? 'Building the web app (first start)' : 'Rebuilding the web app (sources changed)';
  try {
    await progress.step(label, () => rebuildWebApp({ logFile: path.join(LOG_DIR, 'web-build.log') }));
  } catch (error) {
    if (!(error instanceof WebBuildError)) throw error;
    console.log(`\n${error.logTail}\n\nThe web app build failed (full log: ${shown(error.logFile)}); starting without the web app.\n`);
  }
}

/** A path inside the repository relative to it (`.mrprompt/logs/…`), any other (MRPROMPT_DATA_DIR) whole. */
function shown(file: string): string {
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

async function run(dev: boolean): Promise<void> {
  const started = performance.now();
  const config = loadProjectConfig();
  const webPort = webPortFrom();
  await checkPorts({ apiPort: config.api.port, dbPort: databaseUrl() ? undefined : config.db.port, webPort, dataDir: DATA_DIR });
  // Wrong ones are said before anything starts.
  parsePublicUrl(process.env.MRPROMPT_PUBLIC_URL);
  trustedProxyDepthFrom();
  await sweepStaleStaging(DATA_DIR, (line) => console.log(line)); // a killed backup's or restore's scratch
  const progress = createProgress(process.stdout);
  console.log(`Starting Mr.Prompt${dev ? ' (dev mode)' : ''}…`);
  if (!dev) await ensureWebBuild(progress);
  const logFile = path.join(LOG_DIR, 'stack.log');
  const output = openStackLog(logFile, { shownAs: shown(logFile) });
  let stack: Stack | undefined;
  const stop = stopOnSignals(async () => {
    console.log('\nStopping…');
    output.record('stopping');
    await stack?.stop();
    output.record('stopped');
  });
  // `npm start` runs us under `sh -c`, which does not pass a SIGTERM sent to npm on to us;
  // being re-parented means whoever started us is gone, so shut down as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 1000).unref();

  // The inbox keeps the CLI's mail port when free; another tool there just moves it.
  const inboxPort = (await isPortInUse(config.local_smtp.port)) ? 0 : config.local_smtp.port;
  try {
    // Mr.Prompt requires the current password for a new password (Settings › Security sends it;
    // /reset-password's recovery session needs none): GoTrue's setting, off by default there,
    // is on here unless GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD=false.
    const auth = { security_update_password_require_current_password: requireCurrentPasswordFromEnv() ?? true };
    stack = await startStack({ databaseUrl: databaseUrl(), refreshPlatform: true, dev, inboxPort, demoProvider: !flags.includes('--no-demo'), newKeys: flags.includes('--new-keys'), webPort, auth, log: output.log, progress });
  } catch (error) {
    output.dump();
    output.record(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rows = [
    ...(stack.publicUrl ? [['Public URL', `${stack.publicUrl} (your reverse proxy)`]] : []),
    ['Web app', stack.webUrl ?? '(not running)'],
    ['API URL', stack.apiUrl],
    ['Database', stack.dbUrl.replace(/:[^:@/]+@/, ':****@')],
    ['Publishable key', stack.keys.publishableKey],
    ['Inbox (mail)', stack.inboxUrl ?? '(off: [local_smtp] enabled = false)'],
    ['Functions', stack.functions.status().map((f) => f.slug).join(', ') || '(none)'],
  ];
  if (stack.demoProviderUrl) rows.push(['Demo provider', stack.demoProviderUrl]);
  console.log(`\nMr.Prompt is running${dev ? ' (dev mode)' : ''} — ready in ${seconds} s\n`);
  for (const [label, value] of rows) console.log(`  ${label!.padEnd(16)} ${value}`);
  console.log('\n  `npm run env` prints every URL and key as dotenv lines. Ctrl-C stops everything.\n');
  for (const warning of stack.warnings) {
    console.log(`  ⚠ ${warning}\n`);
    output.record(`warning: ${warning}`);
  }
  output.ready();
}

async function printEnv(): Promise<void> {
  const config = loadProjectConfig();
  // Keys made here would be the ones the next start uses, so the same rule holds: never new
  // keys beside data made with lost ones. The embedded database is not running to ask.
  const given = databaseUrl();
  const dbDir = path.join(DATA_DIR, 'db');
  const keys = await loadOrCreateKeys(DATA_DIR, {
    whyNotNew: async () =>
      given ? await storedCredentials(given) : existsSync(path.join(dbDir, 'PG_VERSION')) ? `${dbDir} holds the database of an earlier start` : undefined,
  });
  const apiUrl = `http://127.0.0.1:${config.api.port}`;
  const publicUrl = parsePublicUrl(process.env.MRPROMPT_PUBLIC_URL) ?? apiUrl;
  const lines: [string, string][] = [
    ['SUPABASE_URL', apiUrl],
    ['SUPABASE_PUBLISHABLE_KEY', keys.publishableKey],
    ['SUPABASE_SECRET_KEY', keys.secretKey],
    ['SUPABASE_ANON_KEY', keys.anonKey],
    ['SUPABASE_SERVICE_ROLE_KEY', keys.serviceRoleKey],
    ['SUPABASE_DB_URL', given ?? embeddedUrl()],
    ['SUPABASE_JWKS', JSON.stringify(functionsJwks(keys))],
    ['PUBLIC_SUPABASE_URL', publicUrl],
    ['PUBLIC_SUPABASE_PUBLISHABLE_KEY', keys.publishableKey],
  ];
  for (const [name, value] of lines) console.log(`${name}=${/[\s"'#{}]/.test(value) ? `'${value}'` : value}`);
}

async function generateTypes(): Promise<void> {
  const given = databaseUrl();
  const port = loadProjectConfig().db.port;
  if (given || (await isPortInUse(port))) {
    // A running `npm start` already has the database up (and migrated).
    const file = await writeDatabaseTypes(given ?? embeddedUrl());
    console.log(`wrote ${path.relative(ROOT, file)}`);
    return;
  }
  const db = await startDatabase({ port });
  try {
    const file = await writeDatabaseTypes(db.url);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await db.stop();
  }
}

/** A path the user typed, from the folder they ran npm in (npm runs scripts from the root). */
function fromUser(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

async function runBackup(): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const file = fromUser(flags[0] ?? `mrprompt-backup-${stamp}.tgz`);
  const started = performance.now();
  const result = await backup({ dataDir: DATA_DIR, file, log: (line) => console.log(line) });
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nBacked up ${result.database ? `the database${result.online ? ' (running)' : ''}, ` : ''}keys.json and Storage's files to ${result.file} (${mb} MB, ${seconds} s).`);
  console.log('It holds the key that decrypts stored provider keys: keep it as safe as the data folder.');
}

async function runRestore(): Promise<void> {
  if (!flags[0]) throw new Error('name the backup to restore: npm run restore -- <file.tgz>');
  if (databaseUrl()) console.log('DATABASE_URL is set: the backup\'s database goes to the data folder, which npm start does not use while DATABASE_URL is set.');
  const result = await restore({ dataDir: DATA_DIR, file: fromUser(flags[0]), log: (line) => console.log(line), postgresOwner: postgresUserIds });
  console.log(`\nRestored the backup of ${result.createdAt} into ${DATA_DIR}. npm start uses it${result.database ? ' (migrations newer than the backup are applied then)' : ''}.`);
  if (result.replacedTo) console.log(`What it replaced is in ${result.replacedTo}; delete that folder once the restore is checked.`);
}

async function main(): Promise<void> {
  switch (command) {
    case 'start':
      return await run(false);
    case 'dev':
      return await run(true);
    case 'env':
      return await printEnv();
    case 'types':
      return await generateTypes();
    case 'backup':
      return await runBackup();
    case 'restore':
      return await runRestore();
    default:
      console.error(`unknown command "${command}"; use start, dev, env, types, backup or restore`);
      process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`mrprompt: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
