// Migrations land in version order. `supabase db push` applies the migrations a database has
// not seen by version, and refuses one older than the newest it already has ("Found local
// migration files to be inserted before the last migration on remote database"; only
// `--include-all` forces it: https://supabase.com/docs/reference/cli/supabase-db-push). So a
// database migrated at any commit of main must be able to move to any later commit: each
// commit may add only migrations newer than every migration already there. Work merged from
// parallel branches broke this 15 times before this check (a deployment taken between those
// commits needs `--include-all` once); they are listed, and the rest of history must hold.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

const LANDED_OUT_OF_ORDER = new Set([
  '20261130225021', '20261130230657', '20261130231438', '20261130231439', '20261130232950',
  '20261130232951', '20261201002451', '20261201021301', '20261201022543', '20261201030617',
  '20261203180000', '20261203180100', '20261203180200', '20261203185000', '20261203185100',
]);

/** Each migration's version, in the order commits added them (oldest first). */
function versionsInLandingOrder(): { commit: string; version: string }[] {
  const log = execFileSync('git', ['log', '--reverse', '--diff-filter=A', '--name-only', '--format=commit %h', '--', 'supabase/migrations'], { cwd: ROOT, encoding: 'utf8' });
  const added: { commit: string; version: string }[] = [];
  let commit = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('commit ')) commit = line.slice(7);
    else if (line.endsWith('.sql')) added.push({ commit, version: path.basename(line).split('_')[0]! });
  }
  return added;
}

describe('migrations', () => {
  it('each commit adds only migrations newer than every one before it', () => {
    const added = versionsInLandingOrder();
    expect(added.length).toBeGreaterThan(50);
    const late: string[] = [];
    let newest = '';
    for (const { commit, version } of added) {
      if (version < newest && !LANDED_OUT_OF_ORDER.has(version)) late.push(`${version} (added in ${commit}) is older than ${newest}: rename it to a version after ${newest}`);
      if (version > newest) newest = version;
    }
    expect(late).toEqual([]);
  });
});
