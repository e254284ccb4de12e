/**
 * `npm run backup` and `npm run restore`: the local stack's state — keys.json, the embedded
 * database and Storage's files — as one .tgz, taken while the stack runs or while it is stopped.
 *
 * The embedded Postgres ships no pg_dump or pg_basebackup, so a running database is copied
 * with Postgres's low-level base backup API, as pg_basebackup does it: pg_backup_start, copy the
 * data folder while the server keeps writing, pg_backup_stop, then add the backup_label it
 * returns and the WAL written meanwhile. A start on the restored folder replays that WAL and
 * comes up as the database was when the backup ended; nothing else needs archiving set up.
 * https://www.postgresql.org/docs/17/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import * as tar from 'tar';
import { openStaging, sweepStaleStaging } from './backup-staging.ts';
import { runningPostgres } from './preflight.ts';

/** Written into every backup; `restore` refuses an archive without it. */
export const MANIFEST = 'mrprompt-backup.json';
const FORMAT = 1;

export interface Manifest {
  format: number;
  createdAt: string;
  /** Taken while Postgres ran (restored by replaying the WAL it holds) or from a stopped one. */
  online: boolean;
  /** False when the data folder held no database (DATABASE_URL: back that server up yourself). */
  database: boolean;
  /** The cluster's major version (PG_VERSION). */
  postgres?: string;
}

export interface BackupOptions {
  dataDir: string;
  /** The .tgz to write; refused if it exists. */
  file: string;
  log?: (line: string) => void;
}

export interface BackupResult extends Manifest {
  file: string;
  bytes: number;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Files the low-level API says to leave out (the docs' list): the server's own pid and options,
 * WAL (the needed segments are added after pg_backup_stop), replication slots, and folders
 * whose contents a start recreates. The folders themselves are kept, empty.
 */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'backup_label.old', 'tablespace_map', 'pg_internal.init']);
const EMPTIED_FOLDERS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
/** Copied last, after every relation file (as pg_basebackup sends it). */
const CONTROL_FILE = path.join('global', 'pg_control');

export async function backup(options: BackupOptions): Promise<BackupResult> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const file = path.resolve(options.file);
  if (!existsSync(path.join(dataDir, 'keys.json'))) {
    throw new Error(`${dataDir} holds no keys.json: there is nothing to back up (has Mr.Prompt been started with this data folder?)`);
  }
  if (existsSync(file)) throw new Error(`${file} already exists; name another file (backups are never overwritten)`);
  await fs.mkdir(path.dirname(file), { recursive: true });

  // Staged next to the data, on the same disk, then packed; a failure or a signal leaves no
  // half archive, and what a killed backup left is swept first.
  await sweepStaleStaging(dataDir, log);
  const partial = `${file}.partial`;
  const staging = openStaging(dataDir, 'backup', partial);
  const stage = staging.dir;
  try {
    const dbDir = path.join(dataDir, 'db');
    const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), online: false, database: false };
    if (existsSync(path.join(dbDir, 'PG_VERSION'))) {
      manifest.database = true;
      manifest.postgres = (await fs.readFile(path.join(dbDir, 'PG_VERSION'), 'utf8')).trim();
      const server = runningPostgres(dbDir);
      if (server) {
        manifest.online = true;
        log(`Copying the running database (Postgres pid ${server.pid}, port ${server.port})…`);
        await copyRunningDatabase(dbDir, path.join(stage, 'db'), server.port);
      } else {
        log('Copying the database (Postgres is not running)…');
        await copyTree(dbDir, path.join(stage, 'db'), (relative) => (SKIPPED_FILES.has(path.basename(relative)) ? 'skip' : 'copy'));
        // A stopped cluster is copied as files; one that started meanwhile was being written.
        if (runningPostgres(dbDir)) throw new Error('Postgres started while its folder was being copied; run the backup again');
      }
    } else {
      log(`${dbDir} holds no database (DATABASE_URL?): only keys.json and Storage's files are backed up; back up that database with your own tools.`);
    }
    // After the database: an object a row names was written before that row (Storage writes
    // the file, then the row), so it is in the copy. Uploads still being written are not.
    await copyTree(path.join(dataDir, 'storage'), path.join(stage, 'storage'), (relative) => (relative === '.tmp' ? 'empty' : 'copy'));
    await fs.mkdir(path.join(stage, 'storage'), { recursive: true });
    await fs.copyFile(path.join(dataDir, 'keys.json'), path.join(stage, 'keys.json'));
    await fs.writeFile(path.join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

    log(`Writing ${file}…`);
    const entries = [MANIFEST, 'keys.json', 'storage', ...(manifest.database ? ['db'] : [])];
    // portable: false keeps owners and modes (as root, db/ belongs to the postgres OS user).
    await tar.create({ gzip: true, file: partial, cwd: stage, portable: false }, entries);
    await fs.chmod(partial, 0o600);
    await fs.rename(partial, file);
    const { size } = await fs.stat(file);
    return { ...manifest, file, bytes: size };
  } finally {
    await staging.close();
  }
}

/**
 * The low-level base backup of a running server. A temporary physical replication slot,
 * made first and reserving WAL at once, keeps every segment from the backup's start until
 * they are copied (a checkpoint during a long copy would otherwise recycle them); it goes
 * when the connection closes.
 */
async function copyRunningDatabase(dbDir: string, target: string, port: number): Promise<void> {
  const sql = postgres(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, {
    max: 1, onnotice: () => {}, connection: { application_name: 'mrprompt-backup' },
  });
  try {
    // One session from start to stop: a backup belongs to the session that started it.
    const session = await sql.reserve();
    try {
      const slot = `mrprompt_backup_${process.pid}_${Date.now()}`;
      await session`select pg_create_physical_replication_slot(${slot}, true, true)`;
      await session`select pg_backup_start(${`mrprompt backup ${new Date().toISOString()}`}, true)`;
      await copyTree(dbDir, target, (relative) => {
        const name = path.basename(relative);
        if (relative === CONTROL_FILE || SKIPPED_FILES.has(name) || name.startsWith('pgsql_tmp')) return 'skip';
        return EMPTIED_FOLDERS.has(relative) ? 'empty' : 'copy';
      });
      await copyEntry(path.join(dbDir, CONTROL_FILE), path.join(target, CONTROL_FILE));
      const [stop] = await session<{ labelfile: string; spcmapfile: string; last_wal: string }[]>`
        select labelfile, spcmapfile, pg_walfile_name(lsn) as last_wal from pg_backup_stop(false)`;
      await fs.writeFile(path.join(target, 'backup_label'), stop!.labelfile, { mode: 0o600 });
      if (stop!.spcmapfile) await fs.writeFile(path.join(target, 'tablespace_map'), stop!.spcmapfile, { mode: 0o600 });
      // START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
      const first = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(stop!.labelfile)?.[1];
      if (!first) throw new Error('pg_backup_stop returned a backup label without its first WAL file');
      await copyWal(path.join(dbDir, 'pg_wal'), path.join(target, 'pg_wal'), first, stop!.last_wal);
      if (isRoot) await matchOwner(path.join(dbDir, 'pg_wal'), target, ['backup_label', 'tablespace_map']);
    } finally {
      session.release();
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The segments from the backup's first to its last (same timeline) and the timeline history. */
async function copyWal(from: string, to: string, first: string, last: string): Promise<void> {
  const timeline = first.slice(0, 8);
  let copied = 0;
  for (const name of (await fs.readdir(from)).sort()) {
    const segment = /^[0-9A-F]{24}$/.test(name) && name.startsWith(timeline) && name >= first && name <= last;
    if (segment || name.endsWith('.history')) {
      await copyEntry(path.join(from, name), path.join(to, name));
      if (segment) copied += 1;
    }
  }
  if (copied === 0 || !existsSync(path.join(to, last))) throw new Error(`the WAL from ${first} to ${last} is not all in ${from}`);
}

type Choice = 'copy' | 'skip' | 'empty';

/**
 * Copies a folder as it is at the moment, keeping modes (and owners as root). Files that
 * vanish while it runs (a dropped table, a finished temp file) are left out: the copy of a
 * running database is only made consistent by the WAL replay anyway.
 */
async function copyTree(from: string, to: string, choose: (relative: string) => Choice, relative = ''): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(path.join(from, relative));
  } catch (error) {
    if (vanished(error)) return;
    throw error;
  }
  await makeFolderLike(path.join(from, relative), path.join(to, relative));
  for (const name of names) {
    const child = path.join(relative, name);
    const choice = choose(child);
    if (choice === 'skip') continue;
    let stat;
    try {
      stat = await fs.lstat(path.join(from, child));
    } catch (error) {
      if (vanished(error)) continue;
      throw error;
    }
    if (stat.isDirectory()) {
      if (choice === 'empty') await makeFolderLike(path.join(from, child), path.join(to, child));
      else await copyTree(from, to, choose, child);
    } else if (choice === 'copy') {
      await copyEntry(path.join(from, child), path.join(to, child));
    }
  }
}

async function makeFolderLike(source: string, target: string): Promise<void> {
  try {
    const stat = await fs.stat(source);
    await fs.mkdir(target, { recursive: true });
    await fs.chmod(target, stat.mode & 0o7777);
    if (isRoot) await fs.chown(target, stat.uid, stat.gid);
  } catch (error) {
    if (!vanished(error)) throw error;
  }
}

async function copyEntry(source: string, target: string): Promise<void> {
  try {
    const stat = await fs.lstat(source);
    if (stat.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(source), target);
    } else if (stat.isFile()) {
      await fs.copyFile(source, target);
      await fs.chmod(target, stat.mode & 0o7777);
    } else {
      return; // sockets, fifos: nothing a restore needs
    }
    if (isRoot) await fs.lchown(target, stat.uid, stat.gid);
  } catch (error) {
    if (!vanished(error)) throw error;
  }
}

/** Files written here for the backup itself take the owner of the data they sit beside. */
async function matchOwner(like: string, folder: string, names: string[]): Promise<void> {
  const { uid, gid } = await fs.stat(like);
  for (const name of names) {
    if (existsSync(path.join(folder, name))) await fs.chown(path.join(folder, name), uid, gid);
  }
}

const vanished = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export interface RestoreOptions {
  dataDir: string;
  file: string;
  log?: (line: string) => void;
  /** As root, who the database files must belong to (the `postgres` OS user). */
  postgresOwner?: () => Promise<{ uid: number; gid: number }>;
}

export interface RestoreResult extends Manifest {
  /** Where the keys.json, db/ and storage/ the restore replaced were moved (none: the folder was empty). */
  replacedTo?: string;
}

/**
 * Puts a backup in place of the data folder's keys.json, db/ and storage/. The archive is
 * unpacked and checked beside them first, so a damaged or foreign file changes nothing; what
 * it replaces is moved aside, never deleted. The stack must be stopped.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const file = path.resolve(options.file);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const server = runningPostgres(path.join(dataDir, 'db'));
  if (server) throw new Error(`Mr.Prompt's database is running on this data folder (pid ${server.pid}); stop the stack (Ctrl-C) before restoring`);
  await fs.mkdir(dataDir, { recursive: true });

  await sweepStaleStaging(dataDir, log);
  const staging = openStaging(dataDir, 'restore');
  const stage = staging.dir;
  try {
    log(`Unpacking ${file}…`);
    try {
      // Entries are kept inside the stage: node-tar strips leading `/` and refuses `..`.
      await tar.extract({ file, cwd: stage, strict: true, preserveOwner: false });
    } catch (error) {
      throw new Error(`${file} is not a readable backup (${error instanceof Error ? error.message : String(error)})`);
    }
    const manifest = await readManifest(stage, file);
    if (!existsSync(path.join(stage, 'keys.json'))) throw new Error(`${file} holds no keys.json; it is not a complete Mr.Prompt backup`);
    if (manifest.database && !existsSync(path.join(stage, 'db', 'PG_VERSION'))) throw new Error(`${file} says it holds a database but has no db/PG_VERSION`);
    if (manifest.database && isRoot && options.postgresOwner) {
      const { uid, gid } = await options.postgresOwner();
      await chownTree(path.join(stage, 'db'), uid, gid);
    }

    // A backup without a database (DATABASE_URL) leaves the folder's db/ where it is.
    const replacing = ['keys.json', 'storage', ...(manifest.database ? ['db'] : [])];
    const present = replacing.filter((name) => existsSync(path.join(dataDir, name)));
    let replacedTo: string | undefined;
    if (present.length > 0) {
      replacedTo = path.join(dataDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await fs.mkdir(replacedTo);
      for (const name of present) await fs.rename(path.join(dataDir, name), path.join(replacedTo, name));
      log(`Moved the current ${present.join(', ')} to ${replacedTo}`);
    }
    for (const name of replacing) {
      if (existsSync(path.join(stage, name))) await fs.rename(path.join(stage, name), path.join(dataDir, name));
    }
    return { ...manifest, replacedTo };
  } finally {
    await staging.close();
  }
}

async function readManifest(stage: string, file: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(stage, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new Error(`${file} is not a Mr.Prompt backup (it has no readable ${MANIFEST}; make one with npm run backup)`);
  }
  if (manifest.format !== FORMAT) throw new Error(`${file} is a backup in format ${manifest.format}, which this version cannot restore (it reads format ${FORMAT})`);
  return manifest;
}

async function chownTree(folder: string, uid: number, gid: number): Promise<void> {
  await fs.lchown(folder, uid, gid);
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await fs.lchown(child, uid, gid);
  }
}
