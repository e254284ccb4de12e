/**
 * Composes the local stack: Postgres (embedded or given), the keys, the gateway on :54321
 * with auth, realtime and functions behind it, the optional fake model provider, and the
 * web app. `stop()` takes everything down in reverse order and leaves no child process.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { createAuthService } from './auth/index.ts';
import { createFunctionsService, type FunctionsService } from './functions/index.ts';
import { checkApiSettings, unreadableSecretsWarning } from './function-settings.ts';
import { functionsEnv } from './functions-env.ts';
import { createRealtimeService, type RealtimeService } from './realtime/index.ts';
import type { RealtimeLimits } from './realtime/limits.ts';
import { createStorageService } from './storage/index.ts';
import { parseFileSize } from './storage/http.ts';
import { loadProjectConfig, type AuthConfig, type ProjectConfig } from './config.ts';
import { applyBootstrap, pushMigrations, startEmbeddedPostgres } from './db/index.ts';
import { checkGivenDatabase } from './db/given.ts';
import { startGateway, type GatewayServices } from './gateway/index.ts';
import { Mailbox } from './mail/mailbox.ts';
import { startInboxServer } from './mail/inbox-server.ts';
import { loadOrCreateKeys, type StackKeys } from './keys/index.ts';
import { DATA_DIR, SUPABASE_DIR } from './paths.ts';
import { trustedProxyDepthFrom } from './preflight.ts';
import { silentProgress, type Progress } from './progress.ts';
import { startWebProcess, webBuildExists, type WebProcess } from './web-process.ts';

export interface StackOptions {
  /** Use this Postgres (superuser URL) instead of the embedded one. */
  databaseUrl?: string;
  /** Apply the platform bootstrap to `databaseUrl` even when no migration is new, as every
   * start does for the embedded database (`npm start`; tests' template clones have it). */
  refreshPlatform?: boolean;
  dataDir?: string;
  apiPort?: number;
  /** Port of the embedded Postgres (default: config.toml [db] port, 54322). */
  dbPort?: number;
  /** false: no web app. Default 3000 (the site_url of config.toml; `npm start` takes MRPROMPT_WEB_PORT). */
  webPort?: number | false;
  /** Function reload on change, web app through `vite dev`. */
  dev?: boolean;
  /** Start the fake OpenAI-compatible provider and hand its URL to functions. */
  demoProvider?: boolean;
  functionsDir?: string;
  keys?: StackKeys;
  /** Make new keys when keys.json is missing even though the database holds provider keys
   * encrypted with the lost ones (`npm start -- --new-keys`). */
  newKeys?: boolean;
  /** Tests whose "custom" provider is a fake on loopback opt in here, as an operator would
   * with ALLOW_PRIVATE_PROVIDER_URLS=true. */
  allowPrivateProviderUrls?: boolean;
  /** Reverse proxies in front of the gateway whose X-Forwarded-For is trusted (default:
   * MRPROMPT_TRUSTED_PROXY_DEPTH, else 1 with a public URL and 0 without). */
  trustedProxyDepth?: number;
  /**
   * The one public address a reverse proxy serves the stack at (default MRPROMPT_PUBLIC_URL):
   * `https://chat.example.com`, its API paths (/auth/v1, /rest/v1, /realtime/v1, /storage/v1,
   * /functions/v1) sent to the gateway and everything else to the web app. Browsers, email
   * links and tokens' `iss` use it; the services still listen on 127.0.0.1 only.
   */
  publicUrl?: string;
  /** Where Storage keeps object bytes (default `<data dir>/storage`). */
  storageDir?: string;
  /** Overrides on top of config.toml [auth] (tests); nested tables merge key by key. */
  auth?: AuthOverrides;
  /** Port of the mail catcher's inbox (default: any free port; `npm start` uses config.toml [local_smtp] port). */
  inboxPort?: number;
  log?: (line: string) => void;
  /** Reports each start-up step with its duration (default: silent). */
  progress?: Progress;
  /** Local Realtime's channels per socket (default 100, as hosted). */
  realtimeChannelsPerSocket?: number;
  /** How long local Realtime keeps a socket that sends nothing (default 60 s, as hosted). */
  realtimeIdleTimeoutMs?: number;
  /** Local Realtime's limits per client (default hosted's, realtime/limits.ts); tests lower them. */
  realtimeLimits?: Partial<RealtimeLimits>;
}

export interface Stack {
  apiUrl: string;
  /** StackOptions.publicUrl, when the stack is served through a reverse proxy. */
  publicUrl?: string;
  webUrl?: string;
  dbUrl: string;
  keys: StackKeys;
  config: ProjectConfig;
  /** The environment functions receive (https://supabase.com/docs/guides/functions/secrets). Holds secrets: never print it whole. */
  env: Record<string, string>;
  /** What the operator should be told at start: settings that conflict or lose data (no secret values). */
  warnings: string[];
  realtime: RealtimeService;
  functions: FunctionsService;
  demoProviderUrl?: string;
  /** Auth emails caught locally, and the inbox page/JSON API serving them. */
  mailbox: Mailbox;
  inboxUrl?: string;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export type AuthOverrides = { [K in keyof AuthConfig]?: AuthConfig[K] extends Record<string, unknown> ? Partial<AuthConfig[K]> : AuthConfig[K] };

/** config.toml [auth] with overrides; nested tables ([auth.email], …) merge key by key. */
function mergeAuth(base: AuthConfig, overrides: AuthOverrides = {}): AuthConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    const nested = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current);
    merged[key] = nested ? { ...current, ...value } : value;
  }
  return merged as AuthConfig;
}

/**
 * MRPROMPT_PUBLIC_URL as an origin. https, since the web app's session cookies are Secure
 * (browsers drop them over plain http), except on localhost, which browsers treat as secure.
 */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  const wrong = (why: string) => new Error(`MRPROMPT_PUBLIC_URL ${why} (got "${value}"); set it to the address people open, such as https://chat.example.com`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw wrong('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw wrong('must start with https://');
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw wrong('must be an origin only, with no path, query or credentials');
  if (url.protocol === 'http:' && url.hostname !== 'localhost') throw wrong('must be https: browsers drop the sign-in cookies over plain http (except on localhost)');
  return url.origin;
}

/**
 * Where Auth sends people back to (site_url, also the start of the app's email links,
 * `{{ .SiteURL }}/auth/confirm` in supabase/templates): the public URL, else the web app's own
 * address — the origin it answers form posts from (ORIGIN, local/src/web-process.ts), so a
 * link opened from an email posts where it may. config.toml's site_url only without a web app.
 * With a public URL, redirects under it are accepted too.
 */
function publicAuth(auth: AuthConfig, publicUrl: string | undefined, webUrl: string | undefined): AuthOverrides {
  if (!publicUrl) return webUrl ? { site_url: webUrl } : {};
  return { site_url: publicUrl, additional_redirect_urls: [...auth.additional_redirect_urls, `${publicUrl}/**`] };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const progress = options.progress ?? silentProgress;
  const project = loadProjectConfig();
  const publicUrl = parsePublicUrl(options.publicUrl ?? process.env.MRPROMPT_PUBLIC_URL);
  const webPort = options.webPort ?? 3000;
  const webUrl = webPort === false ? undefined : `http://127.0.0.1:${webPort}`;
  const config: ProjectConfig = { ...project, auth: mergeAuth(project.auth, { ...publicAuth(project.auth, publicUrl, webUrl), ...options.auth }) };
  const dataDir = options.dataDir ?? DATA_DIR;
  const timings: Record<string, number> = {};
  const stops: Stopper[] = [];
  // The gateway goes first so nothing new arrives while the services behind it wind down;
  // the rest stop in reverse order of start, Postgres last.
  const stopAll = async () => {
    const pending = stops.splice(0).reverse();
    for (const stop of [...pending.filter((s) => s.label === 'gateway'), ...pending.filter((s) => s.label !== 'gateway')]) {
      const started = performance.now();
      await stop().catch((error: unknown) => log(`stop ${stop.label}: ${error instanceof Error ? error.message : String(error)}`));
      const ms = performance.now() - started;
      if (ms > 1000) log(`stop: ${stop.label} took ${Math.round(ms)} ms`);
    }
  };

  try {
    let t = performance.now();
    // The database first: whether keys.json may be made again depends on what it holds.
    const dbUrl = await prepareDatabase({ ...options, dbPort: options.dbPort ?? config.db.port }, dataDir, stops, progress);
    const keys = options.keys ?? (await loadOrCreateKeys(dataDir, { whyNotNew: options.newKeys ? undefined : () => storedCredentials(dbUrl) }));
    timings.databaseMs = performance.now() - t;

    const apiPort = options.apiPort ?? config.api.port;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    // Tokens name the address clients reach Auth at, as hosted's name the project URL.
    const issuer = `${publicUrl ?? apiUrl}/auth/v1`;
    const services: GatewayServices = {};
    t = performance.now();
    // A public URL means one proxy of the operator's in front, unless they say how many.
    const trustedProxyDepth = options.trustedProxyDepth ?? trustedProxyDepthFrom() ?? (publicUrl ? 1 : 0);
    const mailbox = new Mailbox();
    let inboxUrl: string | undefined;
    const realtime = await progress.step(`Starting auth and realtime behind ${apiUrl}`, async () => {
      const gateway = await startGateway({ keys, port: apiPort, services, trustedProxyDepth, log });
      stops.push(named('gateway', () => gateway.stop()));

      const sql = postgres(dbUrl, { max: 8, onnotice: () => {}, connection: { application_name: 'mrprompt-auth' } });
      stops.push(named('auth database pool', () => sql.end({ timeout: 5 })));
      if (config.local_smtp.enabled) {
        const inbox = await startInboxServer(mailbox, options.inboxPort ?? 0);
        stops.push(named('inbox', () => inbox.stop()));
        inboxUrl = inbox.url;
      }
      services.auth = createAuthService({ sql, keys, config: config.auth, issuer, mailbox, log });
      stops.push(named('auth', () => services.auth!.stop()));

      if (config.storage.enabled) {
        const storageSql = postgres(dbUrl, { max: 8, onnotice: () => {}, connection: { application_name: 'mrprompt-storage' } });
        stops.push(named('storage database pool', () => storageSql.end({ timeout: 5 })));
        services.storage = await createStorageService({
          sql: storageSql, keys, log,
          root: options.storageDir ?? path.join(dataDir, 'storage'),
          fileSizeLimit: parseFileSize(config.storage.file_size_limit),
        });
      }

      const realtime = createRealtimeService({
        databaseUrl: dbUrl, keys, log,
        maxChannelsPerSocket: options.realtimeChannelsPerSocket, idleTimeoutMs: options.realtimeIdleTimeoutMs, limits: options.realtimeLimits,
      });
      stops.push(named('realtime', () => realtime.stop()));
      await realtime.ready();
      return realtime;
    });
    services.realtime = realtime;
    timings.servicesMs = performance.now() - t;


    let demoProviderUrl: string | undefined;
    if (options.demoProvider) {
      const provider = await startDemoProvider();
      stops.push(named('demo provider', () => provider.stop()));
      demoProviderUrl = provider.url;
    }

    const functionsDir = options.functionsDir ?? path.join(SUPABASE_DIR, 'functions');
    const { env, warnings, encryptionKeysFrom } = functionsEnv({ keys, apiUrl, dbUrl, config, webUrl, publicUrl, demoProviderUrl, functionsDir });
    if (options.allowPrivateProviderUrls !== undefined) env.ALLOW_PRIVATE_PROVIDER_URLS = String(options.allowPrivateProviderUrls);
    // Said now rather than as a 503 to every API call once the function first boots.
    checkApiSettings(env, functionsDir);
    const unreadable = await unreadableSecretsWarning(dbUrl, env.CREDENTIALS_ENCRYPTION_KEYS!, encryptionKeysFrom);
    if (unreadable) warnings.push(unreadable);
    t = performance.now();
    const functions = createFunctionsService({
      functionsDir,
      config, env, keys, dev: options.dev ?? false, log,
    });
    stops.push(named('functions', () => functions.stop()));
    services.functions = functions;
    timings.functionsMs = performance.now() - t;

    let web: WebProcess | undefined;
    if (webPort !== false) {
      if (!options.dev && !webBuildExists()) {
        log('web: no build at web/build (run `npm run build -w web`); the web app is not started');
      } else {
        t = performance.now();
        web = await progress.step(options.dev ? 'Starting the web app (vite dev)' : 'Starting the web app', () =>
          startWebProcess({ port: webPort, apiUrl, publicUrl, trustedProxyDepth, publishableKey: keys.publishableKey, secretKey: keys.secretKey, dev: options.dev, log }));
        stops.push(named('web app', () => web!.stop()));
        timings.webMs = performance.now() - t;
      }
    }

    return {
      apiUrl, publicUrl, webUrl: web?.url, dbUrl, keys, config, env, warnings,
      realtime, functions, demoProviderUrl, mailbox, inboxUrl, timings,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

type Stopper = (() => Promise<void>) & { label: string };

function named(label: string, stop: () => Promise<void>): Stopper {
  return Object.assign(stop, { label });
}

/** Embedded Postgres, or the given server; migrations are pushed unless all are there
 * (`supabase db push` costs a second or two even when it has nothing to do). */
async function prepareDatabase(options: StackOptions, dataDir: string, stops: Stopper[], progress: Progress): Promise<string> {
  let url = options.databaseUrl;
  if (url) await checkGivenDatabase(url);
  else {
    const dir = path.join(dataDir, 'db');
    const label = existsSync(path.join(dir, 'PG_VERSION')) ? 'Starting Postgres' : 'Initialising the database (first start)';
    const embedded = await progress.step(label, () => startEmbeddedPostgres({ dir, port: options.dbPort ?? 54322 }));
    stops.push(named('postgres', () => embedded.stop()));
    url = embedded.url;
  }
  const target = url;
  const migrated = await hasAllMigrations(target);
  if (!migrated) {
    await progress.step('Applying migrations and seed', async () => {
      await applyBootstrap(target);
      await pushMigrations(target);
    });
  } else if (!options.databaseUrl || options.refreshPlatform) {
    // The platform bootstrap is idempotent and may have grown since the last start (a new
    // auth table, a role's password removed) without a new migration to trigger it.
    await applyBootstrap(target);
  }
  return target;
}

async function hasAllMigrations(url: string): Promise<boolean> {
  const dir = path.join(SUPABASE_DIR, 'migrations');
  const wanted = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => f.split('_')[0]!) : [];
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ present } = { present: false }] = await sql<{ present: boolean }[]>`
      select to_regclass('supabase_migrations.schema_migrations') is not null as present`;
    if (!present) return false;
    const rows = await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
    const applied = new Set(rows.map((row) => row.version));
    return wanted.every((version) => applied.has(version));
  } finally {
    await sql.end();
  }
}

/** "the database holds N provider API keys encrypted with …", when it holds any. */
export async function storedCredentials(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ present } = { present: false }] = await sql<{ present: boolean }[]>`
      select to_regclass('public.api_credentials') is not null as present`;
    if (!present) return undefined;
    const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from public.api_credentials`;
    return count > 0 ? `the database holds ${count} provider API key${count === 1 ? '' : 's'} encrypted with the key it held` : undefined;
  } finally {
    await sql.end();
  }
}

/** The offline demo provider (also the tests' fake provider), loaded only when asked for. */
async function startDemoProvider(): Promise<{ url: string; stop(): Promise<void> }> {
  const { startFakeProvider } = await import('./demo-provider.ts');
  // It lists the model the catalog names for it (supabase/functions/api/lib/providers.ts).
  return await startFakeProvider({ models: ['demo-model'] });
}
