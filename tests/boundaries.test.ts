/**
 * Boundaries of the repository a reader relies on: the local stack runs without the test
 * tree, local services write JSON through one helper, and code cites Supabase's own docs
 * rather than section numbers of a spec that is not in the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../local/src/paths.ts';

function sourceFiles(dir: string, extensions: string[]): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => extensions.some((ext) => file.endsWith(ext)) && !file.includes('node_modules') && !file.startsWith('.svelte-kit'))
    .map((file) => path.join(dir, file));
}
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const isTest = (file: string) => /\.test\.ts$/.test(file);

describe('repository boundaries', () => {
  it('local/ (what `npm start` runs) imports nothing from tests/', () => {
    const offenders = sourceFiles('local/src', ['.ts'])
      .filter((file) => !isTest(file))
      .filter((file) => /(?:from\s+|import\()\s*['"][^'"]*\/tests\//.test(read(file)));
    expect(offenders).toEqual([]);
  });

  it('local services write JSON answers through local/src/json-response.ts only', () => {
    const handRolled = sourceFiles('local/src', ['.ts'])
      .filter((file) => !isTest(file) && file !== path.join('local/src', 'json-response.ts'))
      .filter((file) => /writeHead\([^)]*['"]application\/json/i.test(read(file)) || /res\.end\(JSON\.stringify/.test(read(file)));
    expect(handRolled).toEqual([]);
  });

  it('code cites Supabase docs, not sections of an out-of-repo spec ("§2.4")', () => {
    const files = [
      ...sourceFiles('local', ['.ts', '.sql']),
      ...sourceFiles('supabase', ['.ts', '.sql', '.toml']),
      ...sourceFiles('web/src', ['.ts', '.svelte']),
      ...sourceFiles('tests', ['.ts']),
    ].filter((file) => file !== path.join('tests', 'boundaries.test.ts'));
    const citations = files.flatMap((file) =>
      read(file).split('\n').flatMap((line, index) => (/§\s?\d/.test(line) && !/RFC \d+ §/.test(line) ? [`${file}:${index + 1}`] : [])),
    );
    expect(citations).toEqual([]);
  });
});
