/**
 * A function's module graph as one bundle (`deno bundle`, code-split only at its dynamic
 * imports), built once per content and reused. Hosted Supabase does not run a function's
 * sources either: `supabase functions deploy` uploads an eszip bundle of the graph
 * (https://supabase.com/docs/guides/functions/deploy). A bundle boots without resolving
 * and reading a few hundred modules, so the first request waits less.
 *
 * Bundles are immutable folders named by the hash of what went into them — every local
 * input the source maps of its chunks list (npm packages are pinned by the config file and
 * lockfile, which are inputs too) plus the bundler and its flags — so a process can still lazily load a
 * chunk of its own bundle after a newer one was built. `latest.json` remembers the last
 * build and its inputs; a start re-hashes those files and rebuilds only when one changed.
 * Stack traces point into the sources through the linked source map.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DENO_BIN, resolutionFlags } from './deno-command.ts';
import type { FunctionSpec } from './discovery.ts';
import { deferCreateRequireIn } from './lazy-require.ts';

const require = createRequire(import.meta.url);

/** Changes whenever the layout or the flags below change, so older bundles are not reused. */
const FORMAT = 'deno-bundle-4';
/** Bundle folders kept per function besides the newest (a running process may still load chunks of its own). */
const KEEP = 3;
/** A build lock older than this was left by a process that died (a build takes seconds). */
const LOCK_STALE_MS = 5 * 60_000;

export interface BundleResult {
  /** The bundle's entry module; undefined when bundling failed (run the sources). */
  entry?: string;
  /** True when this call built it, false when an up-to-date bundle was reused. */
  built: boolean;
  hash?: string;
  ms: number;
  /** The bundler's output, when it failed. */
  output?: string;
  /** The signal that ended the bundler: a terminal's Ctrl-C reaches it before the stack stops,
   * which says nothing about the sources. */
  interrupted?: string;
}

interface Manifest {
  format: string;
  hash: string;
  entry: string;
  /** Absolute paths of the local files the bundle was built from. */
  inputs: string[];
}

let version: string | undefined;
/** The deno npm package's version: part of every hash (another bundler, another bundle). */
function denoVersion(): string {
  if (version) return version;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(fs.realpathSync(DENO_BIN)), 'package.json'), 'utf8')) as { version?: unknown };
    version = String(pkg.version ?? 'unknown');
  } catch {
    version = 'unknown';
  }
  return version;
}

function bundleArgs(spec: FunctionSpec, outdir: string): string[] {
  return ['bundle', '--platform=deno', '--code-splitting', '--sourcemap=linked', ...resolutionFlags(spec), `--outdir=${outdir}`, spec.entrypoint];
}

/**
 * `deno bundle` runs esbuild, which Deno fetches from the npm registry into DENO_DIR on first
 * use (`<DENO_DIR>/dl/esbuild-<version>-1/esbuild-<platform>`). The same binary comes with
 * our own install (package.json's optional `deno-bundler-<platform>`, the @esbuild package of
 * the version this Deno wants), so it is put there first and nothing is downloaded while the
 * stack runs. A platform without one, or a Deno wanting another version, still downloads.
 */
export function seedBundler(denoDir: string): string | undefined {
  const platform = `${process.platform}-${process.arch}`;
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`deno-bundler-${platform}/package.json`));
  } catch {
    return undefined;
  }
  const { version: esbuildVersion } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(denoDir, 'dl', `esbuild-${esbuildVersion}-1`, `esbuild-${platform}`);
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Copied under a temp name and renamed: a concurrent start never sees half a binary.
  const temp = `${target}.${randomUUID()}`;
  fs.copyFileSync(path.join(pkgDir, 'bin', 'esbuild'), temp);
  fs.chmodSync(temp, 0o755);
  fs.renameSync(temp, target);
  return target;
}

const real = (file: string) => (fs.existsSync(file) ? fs.realpathSync(file) : file);

/** One hash over the inputs' paths and contents; undefined when one of them is gone. Paths
 * are real paths, so a function reached through a symlinked folder shares its bundles. */
function hashInputs(spec: FunctionSpec, inputs: string[], read: (file: string) => string | Buffer = (file) => fs.readFileSync(file)): string | undefined {
  const canonical: FunctionSpec = {
    ...spec,
    entrypoint: real(spec.entrypoint),
    configFile: spec.configFile && { ...spec.configFile, file: real(spec.configFile.file) },
  };
  const hash = createHash('sha256').update(`${FORMAT}\0${denoVersion()}\0${bundleArgs(canonical, '').join(' ')}\0`);
  for (const file of [...inputs].sort()) {
    try {
      hash.update(`${file}\0`).update(read(file)).update('\0');
    } catch {
      return undefined;
    }
  }
  return hash.digest('hex');
}

/**
 * The local files a built bundle came from — the sources outside Deno's cache named by the
 * source maps of all its chunks, plus the config file and lockfile — and each source's text
 * as it went into the bundle.
 */
function inputsOf(outdir: string, spec: FunctionSpec, denoDir: string): { inputs: string[]; bundled: Map<string, string> } {
  const cache = path.resolve(denoDir) + path.sep;
  const bundled = new Map<string, string>();
  const files = new Set<string>();
  for (const name of fs.readdirSync(outdir).filter((file) => file.endsWith('.map'))) {
    const map = JSON.parse(fs.readFileSync(path.join(outdir, name), 'utf8')) as { sources?: unknown; sourcesContent?: unknown };
    const sources = Array.isArray(map.sources) ? map.sources : [];
    const contents = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
    sources.forEach((source: unknown, index) => {
      if (typeof source !== 'string') return;
      const file = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(outdir, source);
      // Packages (Deno's npm cache, or a node_modules folder the bundler found) are pinned by
      // the config file and lockfile; their text in the map is not always the file's.
      if (file.startsWith(cache) || file.split(path.sep).includes('node_modules') || !fs.existsSync(file)) return;
      files.add(real(file));
      const content = contents[index];
      if (typeof content === 'string') bundled.set(real(file), content);
    });
  }
  if (spec.configFile) {
    files.add(real(spec.configFile.file));
    const lock = path.join(path.dirname(spec.configFile.file), 'deno.lock');
    if (fs.existsSync(lock)) files.add(real(lock));
  }
  return { inputs: [...files], bundled };
}

function readManifest(file: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
    return manifest.format === FORMAT && Array.isArray(manifest.inputs) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Where one function's bundles live: by slug and entrypoint (two checkouts never share). */
export function bundleFolder(spec: FunctionSpec, bundleRoot: string): string {
  return path.join(bundleRoot, `${spec.slug}-${createHash('sha256').update(real(spec.entrypoint)).digest('hex').slice(0, 12)}`);
}

/**
 * The function's up-to-date bundle, built if needed. Never throws: a failure comes back
 * with the bundler's output and no entry, and the caller runs the sources instead.
 */
export async function prepareBundle(
  spec: FunctionSpec,
  options: { env: Record<string, string>; bundleRoot: string; signal?: AbortSignal },
): Promise<BundleResult> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  const folder = bundleFolder(spec, options.bundleRoot);
  const manifestFile = path.join(folder, 'latest.json');
  const entryName = `${path.basename(spec.entrypoint).replace(/\.[^.]+$/, '')}.js`;

  const upToDate = (): BundleResult | undefined => {
    const previous = readManifest(manifestFile);
    if (!previous || previous.entry !== entryName || hashInputs(spec, previous.inputs) !== previous.hash) return undefined;
    const entry = path.join(folder, previous.hash, entryName);
    return fs.existsSync(entry) ? { entry, built: false, hash: previous.hash, ms: ms() } : undefined;
  };
  const current = upToDate();
  if (current) return current;

  const staging = path.join(folder, `.build-${randomUUID()}`);
  let release: (() => void) | undefined;
  try {
    fs.mkdirSync(folder, { recursive: true });
    // One build per function at a time, across processes (test files start stacks in
    // parallel): the others wait for it and use what it built.
    release = await lock(path.join(folder, 'build.lock'), options.signal);
    const built = upToDate();
    if (built) return built;
    try {
      if (options.env.DENO_DIR) seedBundler(options.env.DENO_DIR);
    } catch {
      // Deno downloads the bundler itself, as it would without us.
    }
    const output = await run(bundleArgs(spec, staging), options.env, options.signal);
    if (output.signal) return { built: false, ms: ms(), interrupted: output.signal, output: `deno bundle ended by ${output.signal}` };
    const mapFile = path.join(staging, `${entryName}.map`);
    if (!output.ok || !fs.existsSync(path.join(staging, entryName)) || !fs.existsSync(mapFile)) {
      return { built: false, ms: ms(), output: output.text || `deno bundle wrote no ${entryName}` };
    }
    // Only the chunks that call require() load node:module, as on hosted (lazy-require.ts).
    deferCreateRequireIn(staging);
    const { inputs, bundled } = inputsOf(staging, spec, options.env.DENO_DIR ?? '');
    // Named by what went into it (the source map carries each source's text) ...
    const hash = hashInputs(spec, inputs, (file) => bundled.get(file) ?? fs.readFileSync(file));
    if (!hash) return { built: false, ms: ms(), output: 'an input of the bundle disappeared while it was built' };
    const target = path.join(folder, hash);
    try {
      fs.renameSync(staging, target);
    } catch {
      // The same content is already there (built before, or by another stack right now).
      if (!fs.existsSync(path.join(target, entryName))) throw new Error(`could not move the bundle to ${target}`);
      const now = new Date();
      fs.utimesSync(target, now, now);
    }
    // ... and recorded as current only if the files still say the same: one saved while the
    // bundler ran may not be in it, and the next start (the watcher's reload) builds again.
    if (hashInputs(spec, inputs) === hash) writeAtomically(manifestFile, JSON.stringify({ format: FORMAT, hash, entry: entryName, inputs } satisfies Manifest));
    prune(folder, hash);
    return { entry: path.join(target, entryName), built: true, hash, ms: ms() };
  } catch (error) {
    return { built: false, ms: ms(), output: error instanceof Error ? error.message : String(error) };
  } finally {
    release?.();
    try {
      fs.rmSync(staging, { recursive: true, force: true });
    } catch {
      // Nothing was staged (the folder could not be made).
    }
  }
}

/** A lock file taken with O_EXCL; one left by a process that died is taken over after LOCK_STALE_MS. */
async function lock(file: string, signal?: AbortSignal): Promise<() => void> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      fs.closeSync(fs.openSync(file, 'wx'));
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > LOCK_STALE_MS) fs.rmSync(file, { force: true });
    } catch {
      // Released meanwhile.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function run(args: string[], env: Record<string, string>, signal?: AbortSignal): Promise<{ ok: boolean; text: string; signal?: string }> {
  return new Promise((resolve) => {
    execFile(DENO_BIN, args, { env, signal, timeout: 300_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A signal from outside (`killed` is false): not our timeout or abort.
      resolve({ ok: !error, text: `${stdout}${stderr}`.trim(), signal: error && !error.killed ? (error.signal ?? undefined) : undefined });
    });
  });
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${randomUUID()}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/** Keeps the newest bundles (and builds in progress elsewhere, unless abandoned for an hour). */
function prune(folder: string, current: string): void {
  const entries = fs.readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const aged = entries.map((entry) => ({ name: entry.name, mtime: fs.statSync(path.join(folder, entry.name)).mtimeMs }));
  const bundles = aged.filter((entry) => !entry.name.startsWith('.') && entry.name !== current).sort((a, b) => b.mtime - a.mtime);
  const abandoned = aged.filter((entry) => entry.name.startsWith('.build-') && Date.now() - entry.mtime > 3_600_000);
  for (const entry of [...bundles.slice(KEEP), ...abandoned]) {
    fs.rmSync(path.join(folder, entry.name), { recursive: true, force: true });
  }
}
