/**
 * Building the web app for `npm start`: whether `web/build` is missing or older than its
 * sources, and the build itself, whose whole output (Vite's chunk table and all) goes to a
 * log file under the data folder. Only a failed build shows it, as the error.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './paths.ts';
import { WEB_BUILD, WEB_DIR } from './web-process.ts';

const BUILD_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** 'missing' (never built), 'stale' (sources changed since) or 'current'. */
export function webBuildState(webDir = WEB_DIR, buildDir = WEB_BUILD): 'missing' | 'stale' | 'current' {
  const entry = path.join(buildDir, 'index.js');
  if (!existsSync(entry)) return 'missing';
  const built = statSync(entry).mtimeMs;
  const newest = Math.max(...BUILD_INPUTS.map((input) => newestMtime(path.join(webDir, input))));
  return built >= newest ? 'current' : 'stale';
}

/** Newest modification time under a path, skipping node_modules and dot folders. */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
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
