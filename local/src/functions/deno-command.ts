/**
 * How a function's Deno process is launched: flags, permissions and environment (https://supabase.com/docs/guides/functions/secrets),
 * and warming Deno's module cache so the first request does not wait for npm downloads.
 *
 * Dependency resolution is made independent of this repository's root package.json (an
 * npm workspace that Deno would otherwise pick up and resolve bare imports from the root
 * node_modules): DENO_NO_PACKAGE_JSON=1 and `--node-modules-dir=none` make a function
 * resolve exactly what its deno.json maps, from Deno's global cache (DENO_DIR, kept in
 * .mrprompt/deno), as on hosted Supabase. Once cached, it boots with no network.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { binPath } from '../paths.ts';
import type { FunctionSpec } from './discovery.ts';

export const DENO_BIN = binPath('deno');
const BOOTSTRAP = fileURLToPath(new URL('./deno-main.ts', import.meta.url));

/** Parent variables a Deno process needs to reach the npm registry the way npm does
 * (proxies, and the CA bundle of a TLS-inspecting proxy). */
const PASSTHROUGH = [
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'NPM_CONFIG_REGISTRY', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS',
  'DENO_CERT', 'DENO_TLS_CA_STORE', 'TZ',
];
/** Filtered from user secrets, as the CLI does. */
const RESERVED = /^(SUPABASE_INTERNAL_|HOME$|HOSTNAME$|PATH$|PWD$)/;

/** How a function's imports resolve: the same for `deno cache`, `deno bundle` and `deno run`. */
export function resolutionFlags(spec: FunctionSpec): string[] {
  const flags = ['--node-modules-dir=none'];
  if (spec.configFile) flags.push(`--${spec.configFile.kind}=${spec.configFile.file}`);
  // Use a committed deno.lock when there is one; never create one in the source tree.
  const lock = spec.configFile && path.join(path.dirname(spec.configFile.file), 'deno.lock');
  if (!lock || !fs.existsSync(lock)) flags.push('--no-lock');
  return flags;
}

/**
 * The V8 heap limit of a function's process, as on hosted Supabase: the Edge Runtime creates
 * each function worker's isolate with the worker's memory limit — 256 MB
 * (https://supabase.com/docs/guides/functions/limits) — as its heap limit
 * (`heap_limits(0, memory_limit)`, https://github.com/supabase/edge-runtime, crates/base/src/runtime/mod.rs). V8 sizes its
 * generations from that figure and grows the heap the way it does for a memory-constrained
 * isolate; without it a local process gets a desktop-sized heap (≈ 4 GB) and lets garbage
 * pile up far past what the hosted worker would ever hold.
 */
export const WORKER_HEAP_MB = 256;

/**
 * A bundle's chunks load when the code first imports them, as hosted loads a function's
 * modules from its deployed eszip. By default `deno run` builds the whole graph up front,
 * following every literal `import()` — for the api function that is every route group's
 * chunk, the PDF reader and the tokenizer tables (≈ 7 MB read and analysed before the first
 * line runs). `--unstable-lazy-dynamic-imports` (https://docs.deno.com/runtime/reference/cli/unstable_flags/)
 * loads them on use instead; a bundle has no npm specifiers whose resolution order it could change.
 */
const LAZY_CHUNKS = '--unstable-lazy-dynamic-imports';

/** `deno run` arguments for one function behind the bootstrap: its bundle's entry, or its sources. */
export function runArgs(spec: FunctionSpec, entry?: string): string[] {
  return [
    'run',
    '--allow-net', '--allow-env', '--allow-read', '--allow-sys',
    '--no-prompt',
    `--v8-flags=--max-heap-size=${WORKER_HEAP_MB}`,
    ...(entry ? [LAZY_CHUNKS] : []),
    ...resolutionFlags(spec),
    BOOTSTRAP,
    pathToFileURL(entry ?? spec.entrypoint).href,
  ];
}

/**
 * The process environment: the default secrets over `<functionsDir>/.env`, minus
 * SUPABASE_INTERNAL_*; plus what Deno itself needs. Nothing else of the parent's
 * environment leaks in (it may hold unrelated secrets).
 */
export function processEnv(options: { env: Record<string, string>; functionsDir: string; denoDir: string }): Record<string, string> {
  const env: Record<string, string> = {};
  const dotenv = path.join(options.functionsDir, '.env');
  if (fs.existsSync(dotenv)) {
    for (const [name, value] of Object.entries(parseEnv(fs.readFileSync(dotenv, 'utf8')))) {
      if (typeof value === 'string' && !RESERVED.test(name)) env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(options.env)) {
    if (!name.startsWith('SUPABASE_INTERNAL_')) env[name] = value;
  }
  for (const name of PASSTHROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.DENO_DIR = options.denoDir;
  env.DENO_NO_PACKAGE_JSON = '1';
  env.DENO_NO_UPDATE_CHECK = '1';
  env.NO_COLOR = '1';
  return env;
}

/**
 * Downloads and caches a function's module graph (npm packages included) without running
 * it. Failures are reported, not thrown: the boot that follows shows the real error.
 */
export function warmCache(
  spec: FunctionSpec,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ ok: boolean; ms: number; output: string }> {
  const started = performance.now();
  const args = ['cache', ...resolutionFlags(spec), BOOTSTRAP, spec.entrypoint];
  return new Promise((resolve) => {
    execFile(DENO_BIN, args, { env, signal, timeout: 300_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: !error, ms: performance.now() - started, output: `${stdout}${stderr}`.trim() });
    });
  });
}
