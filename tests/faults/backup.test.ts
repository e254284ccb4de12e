/**
 * `npm run backup` / `npm run restore` (local/src/backup.ts). The database is backed up while
 * a writer keeps inserting and updating rows and checkpoints recycle WAL; the restored folder
 * must start and hold exactly the rows committed up to some moment inside the backup — a
 * contiguous prefix, indexes agreeing with the table — plus keys.json and Storage's files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres, { type Sql } from 'postgres';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../../local/src/backup.ts';
import { postgresUserIds, startEmbeddedPostgres, type EmbeddedDatabase } from '../../local/src/db/embedded.ts';
import { ROOT } from '../../local/src/paths.ts';
import { getFreePort } from '../../local/src/ports.ts';

const isRoot = process.getuid?.() === 0;
const owner = isRoot ? postgresUserIds : undefined;

let root: string;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-backup-'));
  cleanup.push(() => fs.rm(root, { recursive: true, force: true }));
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

/** A data folder as npm start leaves it: keys.json, Storage's files and a database. */
async function dataFolder(name: string): Promise<{ dir: string; db: EmbeddedDatabase; sql: Sql }> {
  const dir = path.join(root, name);
  await fs.mkdir(path.join(dir, 'storage', 'chat-attachments', 'u1'), { recursive: true });
  await fs.mkdir(path.join(dir, 'storage', '.tmp'), { recursive: true });
  await fs.writeFile(path.join(dir, 'keys.json'), JSON.stringify({ folder: name }), { mode: 0o600 });
  await fs.writeFile(path.join(dir, 'storage', 'chat-attachments', 'u1', 'photo.png'), Buffer.alloc(4096, 7));
  await fs.writeFile(path.join(dir, 'storage', '.tmp', 'upload-in-progress'), 'partial');
  const db = await start(dir);
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  cleanup.push(() => sql.end({ timeout: 1 }));
  return { dir, db, sql };
}

async function start(dir: string): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedPostgres({ dir: path.join(dir, 'db'), port: await getFreePort() });
  cleanup.push(() => db.stop());
  return db;
}

async function readBack(dir: string): Promise<{ rows: number; maxId: number; byIndex: number; updated: number }> {
  const db = await start(dir);
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const [heap] = await sql<{ rows: number; max_id: number; updated: number }[]>`
      select count(*)::int as rows, coalesce(max(id), 0) as max_id, count(*) filter (where version > 0)::int as updated from t`;
    const byIndex = await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_bitmapscan = off`;
      const [row] = await tx<{ n: number }[]>`select count(*)::int as n from t where id between 1 and 2147483647`;
      return row!.n;
    });
    return { rows: heap!.rows, maxId: heap!.max_id, byIndex, updated: heap!.updated };
  } finally {
    await sql.end({ timeout: 1 });
    await db.stop();
  }
}

describe('a backup of a running database', () => {
  let source: Awaited<ReturnType<typeof dataFolder>>;
  let file: string;
  let committedBefore = 0;
  let committedAfter = 0;
  let result: Awaited<ReturnType<typeof backup>>;

  beforeAll(async () => {
    source = await dataFolder('running');
    const { sql } = source;
    await sql`create table t (id int primary key, version int not null default 0, pad text not null)`;
    // ≈ 40 MB of table and index, so the copy takes a while and the writer changes pages under it.
    await sql`insert into t (id, pad) select i, repeat(md5(i::text), 6) from generate_series(1, 150000) i`;
    committedAfter = 150000;

    let writing = true;
    const writer = (async () => {
      for (let id = 150001; writing; id++) {
        await sql`insert into t (id, pad) values (${id}, ${'x'.repeat(200)})`;
        await sql`update t set version = version + 1 where id = ${1 + (id % 150000)}`;
        committedAfter = id;
        // Checkpoints and segment switches mid-copy: the WAL the backup needs must survive them.
        if (id % 200 === 0) await sql`select pg_switch_wal()`;
        if (id % 600 === 0) await sql`checkpoint`;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    committedBefore = committedAfter;
    file = path.join(root, 'out', 'running.tgz');
    result = await backup({ dataDir: source.dir, file });
    const endedAt = committedAfter;
    writing = false;
    await writer;
    committedAfter = endedAt + 1; // the insert in flight when the backup ended may be in it
  }, 240_000);

  it('says it was taken online, and writes a private .tgz with no half file left', async () => {
    expect(result).toMatchObject({ online: true, database: true, postgres: '17', file });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    await expect(fs.stat(`${file}.partial`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await fs.readdir(source.dir)).filter((name) => name.startsWith('.backup-'))).toEqual([]);
    const entries: string[] = [];
    await tar.list({ file, onReadEntry: (entry) => { entries.push(entry.path); } });
    expect(entries).toContain('db/backup_label');
    expect(entries).toContain('keys.json');
    expect(entries).toContain('storage/chat-attachments/u1/photo.png');
    expect(entries.some((entry) => entry.startsWith('db/pg_wal/0000'))).toBe(true);
    expect(entries).not.toContain('db/postmaster.pid');
    expect(entries).not.toContain('storage/.tmp/upload-in-progress');
    // The server running meanwhile kept its own state: no backup left open, the slot gone.
    const [state] = await source.sql<{ slots: number }[]>`select count(*)::int as slots from pg_replication_slots`;
    expect(state!.slots).toBe(0);
  });

  it('restores into an empty folder, which starts holding the rows committed up to the backup', async () => {
    const target = path.join(root, 'restored');
    const restored = await restore({ dataDir: target, file, postgresOwner: owner });
    expect(restored.replacedTo).toBeUndefined();
    expect(JSON.parse(await fs.readFile(path.join(target, 'keys.json'), 'utf8'))).toEqual({ folder: 'running' });
    expect((await fs.readFile(path.join(target, 'storage', 'chat-attachments', 'u1', 'photo.png'))).length).toBe(4096);

    const seen = await readBack(target);
    // Every insert committed before the backup began is there, none after it ended, no gaps.
    expect(seen.maxId).toBeGreaterThanOrEqual(committedBefore);
    expect(seen.maxId).toBeLessThanOrEqual(committedAfter);
    expect(seen.rows).toBe(seen.maxId);
    expect(seen.byIndex).toBe(seen.rows);
    expect(seen.updated).toBeGreaterThan(0);
  }, 120_000);

  it('refuses to restore over a running database, and keeps what it replaces', async () => {
    const target = path.join(root, 'restored');
    const db = await start(target);
    await expect(restore({ dataDir: target, file, postgresOwner: owner })).rejects.toThrow(/database is running on this data folder .*stop the stack/);
    await db.stop();

    await fs.writeFile(path.join(target, 'keys.json'), '{"newer":true}');
    const again = await restore({ dataDir: target, file, postgresOwner: owner });
    expect(again.replacedTo).toMatch(/replaced-/);
    expect(JSON.parse(await fs.readFile(path.join(again.replacedTo!, 'keys.json'), 'utf8'))).toEqual({ newer: true });
    expect(await fs.readdir(path.join(again.replacedTo!))).toEqual(expect.arrayContaining(['db', 'keys.json', 'storage']));
    expect(JSON.parse(await fs.readFile(path.join(target, 'keys.json'), 'utf8'))).toEqual({ folder: 'running' });
    expect((await readBack(target)).rows).toBeGreaterThanOrEqual(committedBefore);
  }, 120_000);

  it('never overwrites an existing backup file', async () => {
    await expect(backup({ dataDir: source.dir, file })).rejects.toThrow(/already exists/);
  });
});

describe('a backup of a stopped database, and files that are not backups', () => {
  it('copies a stopped cluster as files, and it starts again', async () => {
    const source = await dataFolder('stopped');
    await source.sql`create table t (id int primary key, version int not null default 1, pad text not null)`;
    await source.sql`insert into t (id, pad) select i, 'p' from generate_series(1, 1000) i`;
    await source.sql.end({ timeout: 1 });
    await source.db.stop();

    const file = path.join(root, 'out', 'stopped.tgz');
    expect(await backup({ dataDir: source.dir, file })).toMatchObject({ online: false, database: true });
    const target = path.join(root, 'restored-stopped');
    await restore({ dataDir: target, file, postgresOwner: owner });
    expect(await readBack(target)).toEqual({ rows: 1000, maxId: 1000, byIndex: 1000, updated: 1000 });
  }, 120_000);

  it('refuses an archive that is not a Mr.Prompt backup, changing nothing', async () => {
    const target = path.join(root, 'untouched');
    await fs.mkdir(target, { recursive: true });
    await fs.writeFile(path.join(target, 'keys.json'), '{"mine":true}');
    const foreign = path.join(root, 'foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(path.join(foreign, 'keys.json'), '{"theirs":true}');
    await tar.create({ gzip: true, file: path.join(root, 'foreign.tgz'), cwd: foreign }, ['keys.json']);
    await fs.writeFile(path.join(root, 'garbage.tgz'), 'not gzip at all');

    await expect(restore({ dataDir: target, file: path.join(root, 'foreign.tgz') })).rejects.toThrow(/not a Mr.Prompt backup/);
    await expect(restore({ dataDir: target, file: path.join(root, 'garbage.tgz') })).rejects.toThrow(/not a readable backup/);
    await expect(restore({ dataDir: target, file: path.join(root, 'missing.tgz') })).rejects.toThrow(/does not exist/);
    expect(await fs.readdir(target)).toEqual(['keys.json']);
    expect(await fs.readFile(path.join(target, 'keys.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('backs up keys.json and Storage alone where the folder holds no database, and its restore leaves db/ be', async () => {
    const given = path.join(root, 'given-database');
    await fs.mkdir(path.join(given, 'storage', 'b'), { recursive: true });
    await fs.writeFile(path.join(given, 'keys.json'), '{"given":true}');
    await fs.writeFile(path.join(given, 'storage', 'b', 'f'), 'bytes');
    const file = path.join(root, 'out', 'given.tgz');
    expect(await backup({ dataDir: given, file })).toMatchObject({ online: false, database: false });

    const target = path.join(root, 'given-target');
    await fs.mkdir(path.join(target, 'db'), { recursive: true });
    await fs.writeFile(path.join(target, 'db', 'PG_VERSION'), '17\n');
    await fs.writeFile(path.join(target, 'keys.json'), '{"old":true}');
    const restored = await restore({ dataDir: target, file });
    expect(await fs.readFile(path.join(target, 'db', 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(await fs.readdir(restored.replacedTo!)).toEqual(['keys.json']);
    expect(await fs.readFile(path.join(target, 'storage', 'b', 'f'), 'utf8')).toBe('bytes');
  });

  it('says there is nothing to back up in a folder without keys.json', async () => {
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    await expect(backup({ dataDir: empty, file: path.join(root, 'out', 'empty.tgz') })).rejects.toThrow(/holds no keys.json: there is nothing to back up/);
  });
});

describe('a backup stopped or killed mid-way', () => {
  let dir: string;
  const out = () => path.join(root, 'interrupted');

  beforeAll(async () => {
    // A stopped database of ≈ 30 MB: copying and packing it takes long enough to be caught.
    const source = await dataFolder('interrupted-source');
    await source.sql`create table t (id int primary key, version int not null default 0, pad text not null)`;
    await source.sql`insert into t (id, pad) select i, md5(i::text) || repeat(md5((i * 7)::text), 5) from generate_series(1, 150000) i`;
    await source.sql.end({ timeout: 1 });
    await source.db.stop();
    dir = source.dir;
    await fs.mkdir(out(), { recursive: true });
  }, 120_000);

  /** `npm run backup` as its own process; `when` says at which moment to send `signal`. */
  async function interrupt(name: string, signal: NodeJS.Signals, when: 'staging' | 'partial') {
    const file = path.join(out(), name);
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/src/cli.ts', 'backup', file], {
      cwd: ROOT, env: { ...process.env, MRPROMPT_DATA_DIR: dir, INIT_CWD: ROOT }, stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
    let stage: string | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      stage = (await fs.readdir(dir)).find((n) => n.startsWith('.backup-'));
      const ready = when === 'staging' ? stage !== undefined : (await fs.readdir(out())).includes(`${name}.partial`);
      if (ready) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the backup ended before it could be interrupted (${when})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(stage).toMatch(new RegExp(`^\\.backup-${child.pid}-`)); // named after its process
    child.kill(signal);
    return { file, stage: path.join(dir, stage!), exit: await exited };
  }

  it('removes its staging folder and half archive when stopped by SIGTERM or SIGINT, and dies of the signal', async () => {
    for (const [signal, when] of [['SIGTERM', 'partial'], ['SIGINT', 'staging'], ['SIGTERM', 'staging']] as const) {
      const { file, exit } = await interrupt(`${signal}-${when}.tgz`, signal, when);
      expect(exit, `${signal} at ${when}`).toEqual({ code: null, signal });
      expect((await fs.readdir(dir)).filter((n) => n.startsWith('.backup-')), `${signal} at ${when}`).toEqual([]);
      expect((await fs.readdir(out())).filter((n) => n.startsWith(path.basename(file))), `${signal} at ${when}`).toEqual([]);
    }
  }, 180_000);

  it("sweeps what a killed one left (SIGKILL) at the next backup, and leaves a live or foreign folder be", async () => {
    const { file, stage, exit } = await interrupt('killed.tgz', 'SIGKILL', 'partial');
    expect(exit.signal).toBe('SIGKILL');
    expect(await fs.readdir(out())).toContain('killed.tgz.partial'); // nothing could clean up
    // A backup still running in another process, and a folder that only looks like ours.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanup.push(async () => sleeper.kill('SIGKILL'));
    const live = path.join(dir, `.backup-${sleeper.pid}-AbC123`);
    const foreign = path.join(dir, '.backup-notes');
    await fs.mkdir(live);
    await fs.mkdir(foreign);

    const next = path.join(out(), 'next.tgz');
    expect(await backup({ dataDir: dir, file: next })).toMatchObject({ database: true });
    const left = await fs.readdir(dir);
    expect(left).not.toContain(path.basename(stage));
    expect(left).toContain(path.basename(live));
    expect(left).toContain(path.basename(foreign));
    expect(await fs.readdir(out())).not.toContain('killed.tgz.partial');
    expect(await fs.readdir(out())).not.toContain(path.basename(file));
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    // Its owner gone, the next restore sweeps it too; the foreign one stays.
    await restore({ dataDir: dir, file: next, postgresOwner: owner });
    expect(await fs.readdir(dir)).not.toContain(path.basename(live));
    expect(await fs.readdir(dir)).toContain(path.basename(foreign));
  }, 180_000);
});
