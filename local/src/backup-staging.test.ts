// Sweeping staging folders that versions before the pid in the name left (`.backup-XXXXXX`),
// with real folders: old and untouched goes; recent, in use, or not ours stays.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepStaleStaging } from './backup-staging.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-staging-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const HOUR = 60 * 60 * 1000;

/** A staging folder as fs.mkdtemp made it, with what an old backup copied, last changed `ageMs` ago. */
async function legacyStaging(name: string, ageMs: number, entries = ['keys.json', 'db/PG_VERSION', 'storage/a/b.png']) {
  const dir = path.join(dataDir, name);
  await fs.mkdir(dir, { mode: 0o700 });
  for (const entry of entries) {
    await fs.mkdir(path.dirname(path.join(dir, entry)), { recursive: true });
    await fs.writeFile(path.join(dir, entry), 'x');
  }
  const when = new Date(Date.now() - ageMs);
  for (const entry of [...(await fs.readdir(dir, { recursive: true })).reverse(), '']) await fs.utimes(path.join(dir, entry), when, when);
  return dir;
}

describe('legacy staging folders', () => {
  it('sweeps an old version’s .backup-XXXXXX and .restore-XXXXXX left over an hour, and says so', async () => {
    const backup = await legacyStaging('.backup-AbC123', 2 * HOUR);
    const restore = await legacyStaging('.restore-x9Y8z7', 2 * HOUR, ['mrprompt-backup.json', 'keys.json']);
    const empty = await legacyStaging('.backup-000000', 2 * HOUR, []);
    const lines: string[] = [];
    const removed = await sweepStaleStaging(dataDir, (line) => lines.push(line));
    expect(removed.sort()).toEqual([backup, empty, restore].sort());
    expect(await fs.readdir(dataDir)).toEqual([]);
    expect(lines.join('\n')).toContain(backup);
  });

  it('leaves one changed within the hour, one a process has open, and one that is not ours', async () => {
    const recent = await legacyStaging('.backup-Recent', 2 * HOUR);
    await fs.writeFile(path.join(recent, 'db', 'PG_VERSION'), '17'); // still being written
    const busy = await legacyStaging('.backup-BusyAa', 2 * HOUR);
    const reader = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { cwd: busy, stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((resolve) => reader.once('spawn', resolve));
    const foreign = await legacyStaging('.backup-Notes1', 2 * HOUR, ['keys.json', 'my-notes.txt']);
    const link = path.join(dataDir, '.backup-Linked');
    await fs.symlink(await legacyStaging('elsewhere', 2 * HOUR), link);
    try {
      expect(await sweepStaleStaging(dataDir)).toEqual([]);
      expect((await fs.readdir(dataDir)).sort()).toEqual(['.backup-BusyAa', '.backup-Linked', '.backup-Notes1', '.backup-Recent', 'elsewhere']);
      // Closed and old enough, the busy one goes at the next sweep; so does the recent one, an hour later.
      reader.kill('SIGKILL');
      await new Promise((resolve) => reader.once('exit', resolve));
      expect(await sweepStaleStaging(dataDir)).toEqual([busy]);
      expect(await sweepStaleStaging(dataDir, () => {}, { now: Date.now() + HOUR + 1000 })).toEqual([recent]);
    } finally {
      reader.kill('SIGKILL');
    }
    expect(await fs.readdir(foreign)).toEqual(['keys.json', 'my-notes.txt']);
  });
});
