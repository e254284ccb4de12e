/**
 * The Edge Functions service behind the gateway's `/functions/v1` (https://supabase.com/docs/guides/functions): routes
 * `/<slug>/…` to that function's Deno process (started on its first request from a bundle
 * of its module graph built ahead of time, as hosted runs a deployed eszip; from its sources
 * with its npm dependencies cached if bundling fails), enforces `verify_jwt` except on
 * OPTIONS, answers 404/401/503 with the CLI's bodies, and in dev mode runs the sources and
 * reloads a function when its files or `_shared` change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { ProjectConfig } from '../config.ts';
import type { HttpService } from '../gateway/types.ts';
import type { StackKeys } from '../keys/index.ts';
import { DATA_DIR } from '../paths.ts';
import { prepareBundle } from './bundle.ts';
import { processEnv, warmCache } from './deno-command.ts';
import { discoverFunctions, SLUG_PATTERN, type FunctionSpec } from './discovery.ts';
import { BOOT_ERROR, proxyRequest } from './proxy.ts';
import { cachedVerifier } from '../keys/token-cache.ts';
import { checkJwt } from './verify-jwt.ts';
import { watchFunctions, type Watcher } from './watch.ts';
import { FunctionWorker, type WorkerState } from './worker.ts';
import { sendJson } from '../json-response.ts';

export interface FunctionsServiceOptions {
  functionsDir: string;
  config: ProjectConfig;
  /** The default secrets (https://supabase.com/docs/guides/functions/secrets: SUPABASE_URL, SUPABASE_DB_URL, keys, JWKS, app settings). */
  env: Record<string, string>;
  keys: StackKeys;
  /** Reload a function when its files change. */
  dev?: boolean;
  log?: (line: string) => void;
  /** Deno's module cache; default `.mrprompt/deno`. */
  denoDir?: string;
  /** Where function bundles are kept; default `.mrprompt/functions`. */
  bundleDir?: string;
  /** Run each function from a bundle of its module graph, as hosted does. Default: yes,
   * except in dev mode, where a reload runs the edited sources at once (as `supabase
   * functions serve` does); MRPROMPT_FUNCTIONS_BUNDLE=1 or 0 decides for both. */
  bundle?: boolean;
  /** How long a request waits for a booting function before a 503 (default 30 s: a first
   * boot with an empty DENO_DIR downloads the npm packages). */
  bootWaitMs?: number;
  /** A process not listening by then is killed and restarted (default 60 s). */
  bootTimeoutMs?: number;
}

export interface FunctionStatus {
  slug: string;
  state: WorkerState;
  pid?: number;
  /** The process's loopback port while ready. */
  port?: number;
  restarts: number;
  verifyJwt: boolean;
  /** What the process runs: its bundle, or its sources (bundling off or failed). */
  runs?: 'bundle' | 'sources';
}

export interface FunctionsService extends HttpService {
  /** What runs, for `npm start` output and tests. */
  status(): FunctionStatus[];
}

const INTERNAL_ERROR = { code: 'Internal Server Error', message: 'Request failed due to an internal server error' };

export function createFunctionsService(options: FunctionsServiceOptions): FunctionsService {
  const log = options.log ?? (() => {});
  const functionsDir = path.resolve(options.functionsDir);
  const env = processEnv({ env: options.env, functionsDir, denoDir: options.denoDir ?? path.join(DATA_DIR, 'deno') });
  // verify_jwt: the same token arrives with every call of a signed-in client.
  const verifyJwt = cachedVerifier(options.keys);
  const bootWaitMs = options.bootWaitMs ?? 30_000;
  const workers = new Map<string, { spec: FunctionSpec; worker: FunctionWorker }>();
  let stopped = false;
  const stopping = new AbortController();
  const bundleRoot = options.bundleDir ?? path.join(DATA_DIR, 'functions');
  const bundleEnv = process.env.MRPROMPT_FUNCTIONS_BUNDLE;
  const bundling = options.bundle ?? (bundleEnv === '1' || bundleEnv === '0' ? bundleEnv === '1' : !options.dev);
  // One `deno bundle`/`deno cache` at a time: they share DENO_DIR and the machine may have few cores.
  let warming: Promise<unknown> = Promise.resolve();

  const cached = new Set<string>();

  /** Before each boot: the function's bundle, built if its sources changed; failing that,
   * its dependencies cached so the sources boot with no download (once, when the sources
   * are what runs: a dev-mode reload then starts at once). */
  const prepare = (spec: FunctionSpec): Promise<string | undefined> => {
    if (!bundling && cached.has(spec.slug)) return Promise.resolve(undefined);
    const prepared = warming.then(async () => {
      if (stopping.signal.aborted) return undefined;
      if (bundling) {
        const bundle = await prepareBundle(spec, { env, bundleRoot, signal: stopping.signal });
        if (stopping.signal.aborted) return undefined;
        if (bundle.entry) {
          log(`functions/${spec.slug}: ${bundle.built ? 'bundled' : 'bundle up to date'} in ${Math.round(bundle.ms)} ms (${bundle.hash?.slice(0, 12)})`);
          if (bundle.built) {
            // A new bundle's modules are parsed for Deno's module graph once, and the result kept
            // in DENO_DIR; done by the function's own process, that parse stays in its memory for
            // good (≈ 200 MB RSS against ≈ 56 MB for the same bundle with the cache warm). A
            // throwaway `deno cache` pays it instead, as hosted Supabase deploys a function
            // already analysed (its eszip) rather than parsing it in the worker.
            const warmed = await warmCache({ ...spec, entrypoint: bundle.entry }, env, stopping.signal);
            if (stopping.signal.aborted) return undefined;
            log(`functions/${spec.slug}: bundle analysed ${warmed.ok ? 'in' : 'failed after'} ${Math.round(warmed.ms)} ms${warmed.ok ? '' : `:\n${warmed.output}`}`);
          }
          return bundle.entry;
        }
        if (bundle.interrupted) {
          // Not the sources' fault, and no time to cache them: the stack is most likely
          // stopping (a terminal's Ctrl-C). The next boot bundles again.
          log(`functions/${spec.slug}: bundling stopped (${bundle.interrupted})`);
          return undefined;
        }
        log(`functions/${spec.slug}: bundling failed; running the sources:\n${bundle.output}`);
      }
      const result = await warmCache(spec, env, stopping.signal);
      if (stopping.signal.aborted) return undefined;
      if (result.ok) log(`functions/${spec.slug}: dependencies cached in ${Math.round(result.ms)} ms`);
      else log(`functions/${spec.slug}: caching dependencies failed:\n${result.output}`);
      cached.add(spec.slug);
      return undefined;
    });
    warming = prepared.catch(() => undefined);
    return prepared;
  };

  const watcher: Watcher | undefined = options.dev
    ? watchFunctions(functionsDir, (slugs) => {
        for (const [slug, { worker }] of workers) {
          if (slugs && !slugs.has(slug)) continue;
          log(`functions/${slug}: files changed; reloading`);
          void worker.reload();
        }
      }, log)
    : undefined;

  const register = (spec: FunctionSpec) => {
    // Prepare now, so the first request pays only the process start; every later boot
    // (a reload after an edit, a restart after a crash) checks again.
    let first: Promise<string | undefined> | undefined = prepare(spec);
    const worker = new FunctionWorker({
      spec, env, log, bootTimeoutMs: options.bootTimeoutMs,
      prepare: () => {
        const prepared = first ?? prepare(spec);
        first = undefined;
        return prepared;
      },
    });
    workers.set(spec.slug, { spec, worker });
    watcher?.add(spec.slug, spec.dir);
  };
  for (const spec of discoverFunctions(functionsDir, options.config)) register(spec);
  log(`functions: ${[...workers.keys()].join(', ') || 'none'} (from ${functionsDir})`);

  /** A function folder created after start-up is picked up on its first request. */
  const lookup = (slug: string) => {
    if (!workers.has(slug) && !stopped) {
      const spec = discoverFunctions(functionsDir, options.config).find((candidate) => candidate.slug === slug);
      if (spec) register(spec);
    }
    return workers.get(slug);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const slug = (req.url ?? '/').split(/[/?#]/)[1] ?? '';
    const entry = SLUG_PATTERN.test(slug) ? lookup(slug) : undefined;
    if (!entry || stopped) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Function not found');
      return;
    }
    if (entry.spec.verifyJwt && req.method !== 'OPTIONS') {
      const rejection = await checkJwt(req.headers.authorization, verifyJwt);
      if (rejection) return sendJson(res, rejection.status, rejection.body);
    }
    const port = await entry.worker.acquire(bootWaitMs);
    if (port === undefined) return sendJson(res, 503, BOOT_ERROR);
    await proxyRequest(req, res, { port, agent: entry.worker.agent });
  }

  return {
    async handle(req, res) {
      try {
        await handle(req, res);
      } catch (error) {
        log(`functions: ${req.method} ${req.url?.split('?')[0]} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        if (!res.headersSent) sendJson(res, 500, INTERNAL_ERROR);
        else res.destroy();
      }
    },
    status() {
      return [...workers.values()].map(({ spec, worker }) => ({
        slug: spec.slug, state: worker.state, pid: worker.pid, port: worker.port, restarts: worker.restarts, verifyJwt: spec.verifyJwt,
        runs: worker.pid === undefined ? undefined : worker.entry ? 'bundle' : 'sources',
      }));
    },
    async stop() {
      stopped = true;
      stopping.abort();
      watcher?.close();
      await Promise.all([...workers.values()].map(({ worker }) => worker.stop()));
    },
  };
}

