import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebApp, rebuildWebApp, webBuildState, webSourcesFingerprint, WebBuildError } from './web-build.ts';

const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-web-build-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const node = (script: string): [string, ...string[]] => [process.execPath, '-e', script];
// ~90 lines, like Vite's chunk table.
const CHUNK_TABLE = "for (let i = 0; i < 90; i++) console.log('.svelte-kit/output/client/_app/immutable/chunks/' + i + '.js  1.2 kB');";

describe('the web app build of `npm start`', () => {
  it('sends the whole build output to the log file and prints none of it when the build succeeds', async () => {
    const logFile = path.join(tempDir(), 'logs', 'web-build.log');
    await buildWebApp({ logFile, command: node(`${CHUNK_TABLE} console.error('a warning');`) });
    const log = readFileSync(logFile, 'utf8');
    expect(log.split('\n').filter((line) => line.includes('/chunks/'))).toHaveLength(90);
    expect(log).toContain('a warning');
  });

  it('builds for production whatever NODE_ENV the caller has (Vitest runs with NODE_ENV=test)', async () => {
    const logFile = path.join(tempDir(), 'web-build.log');
    expect(process.env.NODE_ENV).toBe('test');
    await buildWebApp({ logFile, command: node("console.log('NODE_ENV=' + process.env.NODE_ENV)") });
    expect(readFileSync(logFile, 'utf8')).toContain('NODE_ENV=production');
  });

  it('a failed build throws with the end of the log and where the full log is', async () => {
    const logFile = path.join(tempDir(), 'web-build.log');
    const error = await buildWebApp({
      logFile,
      tailLines: 5,
      command: node(`${CHUNK_TABLE} console.error('src/routes/+page.svelte:3:1 Unexpected token'); process.exit(1);`),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebBuildError);
    const failure = error as WebBuildError;
    expect(failure.logFile).toBe(logFile);
    expect(failure.logTail.split('\n')).toHaveLength(5);
    expect(failure.logTail).toContain('Unexpected token');
    expect(failure.message).toContain(logFile);
    expect(readFileSync(logFile, 'utf8')).toContain('/chunks/0.js');
  });

  it('a build command that cannot run is a failure too, not a hang', async () => {
    const logFile = path.join(tempDir(), 'web-build.log');
    await expect(buildWebApp({ logFile, command: ['/nonexistent/npm'] })).rejects.toThrow(/could not run \/nonexistent\/npm/);
  });

  it('rebuilds only when the build is missing or was made from other sources than those on disk', async () => {
    const web = tempDir();
    const build = path.join(web, 'build');
    mkdirSync(path.join(web, 'src', 'routes'), { recursive: true });
    const page = path.join(web, 'src', 'routes', '+page.svelte');
    writeFileSync(page, '<h1>hi</h1>');
    expect(webBuildState(web, build)).toBe('missing');

    const fakeBuild = node(`require('fs').mkdirSync(${JSON.stringify(build)}, { recursive: true }); require('fs').writeFileSync(${JSON.stringify(path.join(build, 'index.js'))}, '')`);
    await rebuildWebApp({ logFile: path.join(web, 'build.log'), command: fakeBuild }, web, build);
    expect(webBuildState(web, build)).toBe('current');
    expect(webSourcesFingerprint(web)).toMatch(/^[0-9a-f]{64}$/);

    writeFileSync(page, '<h1>changed</h1>');
    expect(webBuildState(web, build)).toBe('stale');
    writeFileSync(page, '<h1>hi</h1>'); // back as it was built: current again, whatever the times say
    expect(webBuildState(web, build)).toBe('current');
    writeFileSync(path.join(web, 'src', 'routes', 'new.ts'), ''); // a file added
    expect(webBuildState(web, build)).toBe('stale');
  });

  // Without the fix the build was judged by modification times: this one, newer than every
  // source, passed as current though made from the sources before the change.
  it('a source changed while the build ran leaves the build stale, though it is newer than every file', async () => {
    const web = tempDir();
    const build = path.join(web, 'build');
    mkdirSync(path.join(web, 'src'), { recursive: true });
    const page = path.join(web, 'src', 'app.html');
    writeFileSync(page, 'old');
    const checkoutDuringBuild = node(
      `const fs = require('fs'); fs.writeFileSync(${JSON.stringify(page)}, 'new'); fs.mkdirSync(${JSON.stringify(build)}, { recursive: true }); fs.writeFileSync(${JSON.stringify(path.join(build, 'index.js'))}, 'built from old')`,
    );
    await rebuildWebApp({ logFile: path.join(web, 'build.log'), command: checkoutDuringBuild }, web, build);
    expect(webBuildState(web, build)).toBe('stale');
  });

  it('a build from before builds were stamped is rebuilt once', () => {
    const web = tempDir();
    const build = path.join(web, 'build');
    mkdirSync(build, { recursive: true });
    writeFileSync(path.join(build, 'index.js'), '');
    expect(webBuildState(web, build)).toBe('stale');
  });
});
