// stack.log is where an operator looks after a failed or crashed run. It used to be emptied by
// every start (the crashed run's lines gone with the restart) and written through a stream
// that process.exit cut short (the lines saying why a start failed never reached it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openStackLog } from './stack-log.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-stack-log-'));
  dirs.push(dir);
  return path.join(dir, 'logs', 'stack.log');
}

it('keeps the lines of earlier runs: each start appends, after a line of its own', () => {
  const file = logFile();
  const crashed = openStackLog(file, { print: () => {} });
  crashed.log('functions/api: out of memory');
  // No close(): the process died.
  const next = openStackLog(file, { print: () => {} });
  next.log('web: Listening on http://127.0.0.1:3000');
  next.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* start: pid \d+/);
  expect(lines[1]).toMatch(/ functions\/api: out of memory$/);
  expect(lines[2]).toMatch(/ start: pid \d+/);
  expect(lines[3]).toMatch(/ web: Listening on/);
});

it('has every line in the file when the process exits at once after logging it', () => {
  const file = logFile();
  const module = pathToFileURL(path.join(import.meta.dirname, 'stack-log.ts')).href;
  const script = `
    const { openStackLog } = await import(${JSON.stringify(module)});
    const log = openStackLog(${JSON.stringify(file)}, { print: () => {} });
    for (let i = 1; i <= 50; i++) log.log('web: line ' + i);
    log.record('start failed: the web app exited during start-up (code 1)');
    process.exit(1);`;
  expect(() => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'pipe' })).toThrow();
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('web: line 50\n');
  expect(text).toMatch(/start failed: the web app exited during start-up \(code 1\)\n$/);
}, 30_000);

it('moves a file past its size to stack.previous.log at the next start', () => {
  const file = logFile();
  const first = openStackLog(file, { print: () => {}, maxBytes: 200 });
  for (let i = 0; i < 10; i++) first.log(`line ${i} of a long run`);
  first.close();
  openStackLog(file, { print: () => {}, maxBytes: 200 }).close();
  const previous = path.join(path.dirname(file), 'stack.previous.log');
  expect(existsSync(previous)).toBe(true);
  expect(readFileSync(previous, 'utf8')).toContain('line 9 of a long run');
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
});

it('holds lines back from the console until ready, and shows them if start-up fails', () => {
  const file = logFile();
  const printed: string[] = [];
  const log = openStackLog(file, { print: (text) => printed.push(text), shownAs: '.mrprompt/logs/stack.log' });
  log.log('functions: api');
  log.record('only in the file');
  expect(printed).toEqual([]);
  log.dump();
  expect(printed).toEqual(['\nfunctions: api\n(also in .mrprompt/logs/stack.log)']);
  log.ready();
  log.log('functions/api: ready in 500 ms');
  expect(printed.at(-1)).toBe('functions/api: ready in 500 ms');
  log.close();
});
