/**
 * Building the web app for `npm start`: whether `web/build` is missing or was built from other
 * sources than those on disk, and the build itself, whose whole output (Vite's chunk table and
 * all) goes to a log file under the data folder. Only a failed build shows it, as the error.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './paths.ts';
import { WEB_BUILD, WEB_DIR } from './web-process.ts';

const BUILD_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
/** In the build folder: the fingerprint of the sources the build was made from. */
const SOURCES_STAMP = '.sources-sha256';

/**
 * 'missing' (never built), 'stale' (built from other sources, or before builds were stamped) or
 * 'current'. By content, not modification times: a checkout that changed sources while a build
 * was reading them left a build newer than every file yet made from the old ones.
 */
export function webBuildState(webDir = WEB_DIR, buildDir = WEB_BUILD): 'missing' | 'stale' | 'current' {
  if (!existsSync(path.join(buildDir, 'index.js'))) return 'missing';
  const stamp = path.join(buildDir, SOURCES_STAMP);
  if (!existsSync(stamp)) return 'stale';
  return readFileSync(stamp, 'utf8').trim() === webSourcesFingerprint(webDir) ? 'current' : 'stale';
}

/** SHA-256 of the build's inputs: each file's path and content, in a fixed order (node_modules and dot entries skipped). */
export function webSourcesFingerprint(webDir = WEB_DIR): string {
  const hash = createHash('sha256');
  const visit = (relative: string): void => {
    const full = path.join(webDir, relative);
    if (!existsSync(full)) return;
    if (!statSync(full).isDirectory()) {
      hash.update(`${relative}\0${statSync(full).size}\0`);
      hash.update(readFileSync(full));
      return;
    }
    for (const entry of readdirSync(full).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      visit(path.join(relative, entry));
    }
  };
  for (const input of BUILD_INPUTS) visit(input);
  return hash.digest('hex');
}

/**
 * Builds the web app and stamps the build with the fingerprint its sources had when it started
 * (taken first, so a source changed during the build leaves it 'stale').
 */
export async function rebuildWebApp(options: WebBuildOptions, webDir = WEB_DIR, buildDir = WEB_BUILD): Promise<void> {
  const fingerprint = webSourcesFingerprint(webDir);
  await buildWebApp(options);
  writeFileSync(path.join(buildDir, SOURCES_STAMP), `${fingerprint}\n`);
}

export class WebBuildError extends Error {
  constructor(
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`the web app build failed; full log: ${logFile}\n${logTail}`);
  }
}

export interface WebBuildOptions {
  /** Receives the build's stdout and stderr (created, parent folders included). */
  logFile: string;
  /** The build command (default `npm run build -w web` from the repository root). */
  command?: [string, ...string[]];
  cwd?: string;
  /** How many of the log's last lines a failure carries (default 60). */
  tailLines?: number;
}

/** Runs the build quietly; resolves when it succeeded, throws WebBuildError with the log's end otherwise. */
export async function buildWebApp(options: WebBuildOptions): Promise<void> {
  const [cmd, ...args] = options.command ?? ['npm', 'run', 'build', '-w', 'web'];
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  await new Promise((resolve, reject) => log.once('open', resolve).once('error', reject));
  const code = await new Promise<number | string>((resolve) => {
    // Always the production build, whatever NODE_ENV the caller runs with: Vite resolves
    // packages' `development` export condition unless NODE_ENV is `production` — under Vitest
    // (NODE_ENV=test) the browser tests got a bundle with SvelteKit's and Svelte's dev-only code
    // (https://vite.dev/guide/env-and-mode.html#node-env-and-modes).
    const env = { ...process.env, FORCE_COLOR: '0', NODE_ENV: 'production' };
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', (error) => {
      log.write(`\ncould not run ${cmd}: ${error.message}\n`);
      resolve('spawn-error');
    });
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  await new Promise((resolve) => log.end(resolve));
  if (code === 0) return;
  const lines = readFileSync(options.logFile, 'utf8').trimEnd().split('\n');
  throw new WebBuildError(options.logFile, lines.slice(-(options.tailLines ?? 60)).join('\n'));
}
