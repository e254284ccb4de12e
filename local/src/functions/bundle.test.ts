import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../paths.ts';
import { bundleFolder, prepareBundle, seedBundler } from './bundle.ts';
import { DENO_BIN, processEnv } from './deno-command.ts';
import type { FunctionSpec } from './discovery.ts';

let root: string;
let bundleRoot: string;
let spec: FunctionSpec;
// The stack's Deno cache: the bundler (esbuild) is downloaded into it once.
const env = () => processEnv({ env: {}, functionsDir: path.join(root, 'functions'), denoDir: path.join(DATA_DIR, 'deno') });

function write(relative: string, text: string) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** What the bundle prints when Deno runs it. */
async function runBundle(entry: string): Promise<string> {
  const { stdout } = await promisify(execFile)(DENO_BIN, ['run', '--no-prompt', entry], { env: env() });
  return stdout.trim();
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mrprompt-bundle-'));
  bundleRoot = path.join(root, 'bundles');
  write('functions/hello/index.ts', "import { word } from '../_shared/word.ts';\nconsole.log(`hello ${word}`);\n");
  write('functions/_shared/word.ts', "export const word: string = 'one';\n");
  spec = { slug: 'hello', dir: path.join(root, 'functions/hello'), entrypoint: path.join(root, 'functions/hello/index.ts'), verifyJwt: false };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('prepareBundle', () => {
  it('builds the graph into one module, then reuses it while no input changed', async () => {
    const first = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(first).toMatchObject({ built: true, entry: expect.stringMatching(/index\.js$/) });
    expect(await runBundle(first.entry!)).toBe('hello one');

    const again = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(again).toMatchObject({ built: false, entry: first.entry, hash: first.hash });
  }, 60_000);

  it('rebuilds when a file the function imports changes, into a new folder, leaving the running one in place', async () => {
    const first = await prepareBundle(spec, { env: env(), bundleRoot });
    write('functions/_shared/word.ts', "export const word: string = 'two';\n");
    const second = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(second.built).toBe(true);
    expect(second.hash).not.toBe(first.hash);
    expect(await runBundle(second.entry!)).toBe('hello two');
    // A process still running the first bundle can load its chunks.
    expect(fs.existsSync(first.entry!)).toBe(true);

    // Back to the first content: its bundle is still there and is used again.
    write('functions/_shared/word.ts', "export const word: string = 'one';\n");
    const third = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(third).toMatchObject({ hash: first.hash, entry: first.entry });
  }, 90_000);

  it('rebuilds when a module behind a dynamic import changes (another chunk of the bundle)', async () => {
    write('functions/hello/index.ts', "const { later } = await import('./later.ts');\nconsole.log(later);\n");
    write('functions/hello/later.ts', "export const later: string = 'first';\n");
    const first = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(await runBundle(first.entry!)).toBe('first');
    write('functions/hello/later.ts', "export const later: string = 'second';\n");
    const second = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(second.built).toBe(true);
    expect(await runBundle(second.entry!)).toBe('second');
  }, 60_000);

  // deno bundle makes require() for a CommonJS module in the shared runtime chunk, with a
  // static node:module import every chunk (the entry too) evaluates first: 3–4 ms of each cold
  // start, ahead of the api's database connection, for chunks that load later if ever.
  it('leaves node:module to the chunks that call require(), which still work', async () => {
    write('functions/hello/index.ts', [
      "import * as words from './words.ts';",
      "const { all } = await import('./other.ts');",
      "console.log(Object.keys(words).join(','), all.join(','));",
      "console.log((await import('./shout.cjs')).default.shout('hello'));",
    ].join('\n'));
    write('functions/hello/words.ts', "export const one = 'one';\nexport const two = 'two';\n");
    write('functions/hello/other.ts', "import * as words from './words.ts';\nexport const all = Object.values(words);\n");
    write('functions/hello/shout.cjs', "const util = require('node:util');\nmodule.exports.shout = (word) => util.format('%s!', word.toUpperCase());\n");
    const built = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(await runBundle(built.entry!)).toBe('one,two one,two\nHELLO!');
    const chunks = fs.readdirSync(path.dirname(built.entry!)).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(fs.readFileSync(path.join(path.dirname(built.entry!), chunk), 'utf8')).not.toContain('from "node:module"');
  }, 60_000);

  it('builds once when several stacks ask at the same time', async () => {
    const results = await Promise.all([1, 2, 3].map(() => prepareBundle(spec, { env: env(), bundleRoot })));
    expect(results.filter((result) => result.built)).toHaveLength(1);
    expect(new Set(results.map((result) => result.entry)).size).toBe(1);
    expect(fs.existsSync(path.join(bundleFolder(spec, bundleRoot), 'build.lock'))).toBe(false);
  }, 60_000);

  it('ignores files the function does not import', async () => {
    const first = await prepareBundle(spec, { env: env(), bundleRoot });
    write('functions/hello/notes.md', 'not code\n');
    write('functions/_shared/unused.ts', 'export const x = 1;\n');
    expect(await prepareBundle(spec, { env: env(), bundleRoot })).toMatchObject({ built: false, hash: first.hash });
  }, 60_000);

  it('shares the bundle of a function reached through a symlinked folder', async () => {
    const first = await prepareBundle(spec, { env: env(), bundleRoot });
    fs.mkdirSync(path.join(root, 'linked'));
    fs.symlinkSync(path.join(root, 'functions/hello'), path.join(root, 'linked/hello'), 'dir');
    fs.symlinkSync(path.join(root, 'functions/_shared'), path.join(root, 'linked/_shared'), 'dir');
    const linked = { ...spec, dir: path.join(root, 'linked/hello'), entrypoint: path.join(root, 'linked/hello/index.ts') };
    expect(bundleFolder(linked, bundleRoot)).toBe(bundleFolder(spec, bundleRoot));
    expect(await prepareBundle(linked, { env: env(), bundleRoot })).toMatchObject({ built: false, hash: first.hash });
  }, 60_000);

  it("reports a failure with the bundler's output and no entry, and builds once the source is fixed", async () => {
    write('functions/_shared/word.ts', "export const word: string = 'one\n");
    const failed = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(failed.entry).toBeUndefined();
    expect(failed.output).toMatch(/word\.ts/);
    write('functions/_shared/word.ts', "export const word: string = 'fixed';\n");
    const fixed = await prepareBundle(spec, { env: env(), bundleRoot });
    expect(await runBundle(fixed.entry!)).toBe('hello fixed');
  }, 60_000);
});

/** The pid of a `deno bundle` building into `folder`, once one runs. */
function bundlerUnder(folder: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('bundle') && args.some((arg) => arg.includes(folder))) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

describe('prepareBundle, interrupted', () => {
  // A terminal's Ctrl-C reaches `deno bundle` before the stack stops. It used to be logged as
  // "bundling failed; running the sources:" with pages of the bundler's output, while the
  // stack went on to cache the sources during its own shutdown.
  it.skipIf(!fs.existsSync('/proc/self/cmdline'))('says the bundler was stopped by a signal, not that the sources failed', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      write('functions/_shared/word.ts', `export const word: string = 'take ${attempt}';\n`);
      const pending = prepareBundle(spec, { env: env(), bundleRoot });
      let settled = false;
      void pending.finally(() => (settled = true));
      let pid: number | undefined;
      while (!settled && !(pid = bundlerUnder(bundleRoot))) await new Promise((resolve) => setTimeout(resolve, 5));
      if (pid === undefined) continue; // it finished first: try again
      process.kill(pid, 'SIGINT');
      const result = await pending;
      expect(result).toMatchObject({ built: false, interrupted: 'SIGINT' });
      expect(result.entry).toBeUndefined();
      return;
    }
    throw new Error('never caught the bundler running');
  }, 90_000);
});

describe('seedBundler', () => {
  // The bundler comes with npm install; a bundle must not need the registry at run time.
  it('lets deno bundle run with no registry reachable, from an empty Deno cache', async () => {
    const denoDir = path.join(root, 'deno');
    const seeded = seedBundler(denoDir);
    expect(seeded, `no deno-bundler-${process.platform}-${process.arch} package installed`).toBeDefined();
    expect(seedBundler(denoDir)).toBe(seeded); // the second call finds it
    const offline = { ...processEnv({ env: {}, functionsDir: path.join(root, 'functions'), denoDir }), NPM_CONFIG_REGISTRY: 'http://127.0.0.1:9/' };
    const outdir = path.join(root, 'offline');
    await promisify(execFile)(DENO_BIN, ['bundle', '--platform=deno', `--outdir=${outdir}`, spec.entrypoint], { env: offline, timeout: 60_000 });
    const { stdout } = await promisify(execFile)(DENO_BIN, ['run', '--no-prompt', path.join(outdir, 'index.js')], { env: offline });
    expect(stdout.trim()).toBe('hello one');
  });
});
