/**
 * The scratch space of `npm run backup` and `npm run restore` in the data folder: a staging
 * folder named after the process that owns it (`.backup-<pid>-XXXXXX`, `.restore-<pid>-XXXXXX`)
 * and, for a backup, the `<file>.partial` archive being written, which the staging folder's
 * owner file names. Both go when the operation ends — done, failed, or stopped by SIGINT,
 * SIGTERM or SIGHUP — and what a killed process (SIGKILL, a crash, power loss) left is swept by
 * the next backup, restore or start, once no process with that pid is alive.
 *
 * Versions before 2026-12-04 named staging as mkdtemp does (`.backup-XXXXXX`), with no pid
 * and no owner file; such a folder is swept once nothing in it has changed for an hour and no
 * process has a file open in it (a backup still copying writes into it; one packing it reads it).
 * The `<file>.partial` such a backup left beside its archive is not named anywhere, so it stays.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './preflight.ts';

type Kind = 'backup' | 'restore';

/** `.backup-123-AbC123`: a kind, its owner's pid and mkdtemp's six characters, nothing else. */
const STAGING = /^\.(backup|restore)-(\d{1,10})-[A-Za-z0-9]{6}$/;
/** In the staging folder: who made it and the partial archive it may have left elsewhere. */
const OWNER_FILE = '.mrprompt-staging.json';
/** `.backup-AbC123`: what versions before the pid (fc5c78e) named staging, by fs.mkdtemp. */
const LEGACY_STAGING = /^\.(backup|restore)-[A-Za-z0-9]{6}$/;
/** All a legacy staging folder ever held: the archive's entries (backup.ts MANIFEST and what it packs). */
const LEGACY_ENTRIES = new Set(['mrprompt-backup.json', 'keys.json', 'storage', 'db']);
/** How long a legacy staging folder must have been left unchanged before it is swept. */
export const LEGACY_STAGING_AGE_MS = 60 * 60 * 1000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Staging {
  dir: string;
  /** Removes the staging folder and the partial archive, and stops watching for signals. */
  close(): Promise<void>;
}

/**
 * Makes the staging folder and removes it (and `partial`) if a signal ends the process first:
 * synchronously, in the signal's handler, after which the process dies of the signal as it
 * would have (unless someone else listens for it, such as a caller that stops on its own).
 */
export function openStaging(dataDir: string, kind: Kind, partial?: string): Staging {
  // Named before it is made, and made synchronously: a signal's handler runs on a tick of its
  // own, so it finds either no folder or the whole folder, never one it does not know.
  const dir = path.join(dataDir, `.${kind}-${process.pid}-${randomSuffix()}`);
  const removeNow = () => {
    rmSync(dir, { recursive: true, force: true });
    if (partial) rmSync(partial, { force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    detach();
    removeNow();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const detach = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  // Watched for before the folder exists: a signal that comes while it is being made is
  // handled (on a later tick) once it is there.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    detach();
    throw error;
  }
  try {
    writeFileSync(path.join(dir, OWNER_FILE), `${JSON.stringify({ pid: process.pid, kind, partial: partial ?? null })}\n`, { mode: 0o600 });
  } catch (error) {
    detach();
    removeNow();
    throw error;
  }
  return {
    dir,
    async close() {
      detach();
      await fs.rm(dir, { recursive: true, force: true });
      if (partial) await fs.rm(partial, { force: true });
    },
  };
}

/** Six letters and digits, as mkdtemp would add. */
function randomSuffix(): string {
  return randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, '0').slice(0, 6);
}

/**
 * Removes the staging folders (and their partial archives) of backups and restores whose
 * process is gone. A folder whose owner is alive, or that does not have our name, is left be.
 * Returns what was removed.
 */
export async function sweepStaleStaging(
  dataDir: string,
  log: (line: string) => void = () => {},
  { legacyAgeMs = LEGACY_STAGING_AGE_MS, now = Date.now() }: { legacyAgeMs?: number; now?: number } = {},
): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (LEGACY_STAGING.test(name) && (await isAbandonedLegacyStaging(path.join(dataDir, name), now - legacyAgeMs))) {
      await fs.rm(path.join(dataDir, name), { recursive: true, force: true });
      removed.push(path.join(dataDir, name));
      continue;
    }
    const match = STAGING.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(dataDir, name);
    const partial = await partialOf(dir, match[1] as Kind);
    if (partial && existsSync(partial)) {
      await fs.rm(partial, { force: true });
      removed.push(partial);
    }
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  if (removed.length > 0) log(`Removed what an interrupted backup or restore left: ${removed.join(', ')}`);
  return removed;
}

/** The partial archive a staging folder's owner file names, if it is one of ours. */
async function partialOf(dir: string, kind: Kind): Promise<string | undefined> {
  try {
    const owner: unknown = JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8'));
    if (typeof owner !== 'object' || owner === null || !('partial' in owner)) return undefined;
    const partial = owner.partial;
    // Only a backup writes one, always `<file>.tgz.partial` by an absolute path.
    return kind === 'backup' && typeof partial === 'string' && path.isAbsolute(partial) && partial.endsWith('.partial') ? partial : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A legacy staging folder nobody works in: a real folder (not a link) holding only what such a
 * folder held, nothing in it changed since `changedBefore`, and no process with a file open in it.
 */
async function isAbandonedLegacyStaging(dir: string, changedBefore: number): Promise<boolean> {
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) return false;
  const entries = await fs.readdir(dir);
  if (!entries.every((entry) => LEGACY_ENTRIES.has(entry))) return false;
  if ((await newestChange(dir)) >= changedBefore) return false;
  return !(await openInside(dir));
}

/** The latest modification time of `dir` or anything under it, in ms. */
async function newestChange(dir: string): Promise<number> {
  let newest = (await fs.lstat(dir)).mtimeMs;
  for (const entry of await fs.readdir(dir, { recursive: true })) {
    const stat = await fs.lstat(path.join(dir, entry)).catch(() => undefined);
    if (stat) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/**
 * Whether a process we can see has a file (or its working folder) inside `dir`, from Linux's
 * /proc. Elsewhere, and for processes of other users, the age alone decides.
 */
async function openInside(dir: string): Promise<boolean> {
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const inside = (target: string) => target === dir || target.startsWith(`${dir}${path.sep}`);
  for (const pid of pids) {
    const links = await fs.readdir(`/proc/${pid}/fd`).then((fds) => fds.map((fd) => `/proc/${pid}/fd/${fd}`)).catch(() => [] as string[]);
    for (const link of [`/proc/${pid}/cwd`, ...links]) {
      const target = await fs.readlink(link).catch(() => undefined);
      if (target !== undefined && inside(target)) return true;
    }
  }
  return false;
}
