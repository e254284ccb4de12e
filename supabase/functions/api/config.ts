/**
 * The API's environment, parsed once. Everything configurable lives here so handlers never
 * read env themselves and tests can build a Config from a plain object.
 *
 * Parsed by the small readers below rather than a zod schema: this runs on every cold start
 * before the first request is answered, and zod (its module alone, then building and
 * compiling the schema) was the largest part of that boot; a health check needs no zod at
 * all. Every problem is still collected and reported at once, naming the variable.
 */
import { buildPriceTable, parsePriceOverrides, type ModelPrice } from './lib/prices.ts';

/** One variable's reader: its value, or a message saying what is wrong with it. */
type Reader<T> = (value: string | undefined) => T;

class Invalid extends Error {}
const invalid = (message: string): never => {
  throw new Invalid(message);
};

const bool: Reader<boolean> = (v) => {
  if (v !== undefined && !['true', 'false', '1', '0', ''].includes(v)) invalid('expected one of true, false, 1, 0');
  return v === 'true' || v === '1';
};

/** A number read as `Number(value)` reads it (so `""` is 0), then checked. */
const number = (v: string, check: (n: number) => string | null): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) return invalid(`expected a number, received "${v.slice(0, 40)}"`);
  const problem = check(n);
  return problem ? invalid(problem) : n;
};

/** An integer within [min, max], or `fallback` when unset. */
const int = (fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): Reader<number> => (v) =>
  v === undefined ? fallback : number(v, (n) => (!Number.isInteger(n) ? 'expected an integer' : n < min ? `at least ${min}` : n > max ? `at most ${max}` : null));

const positive = (fallback: number): Reader<number> => (v) => (v === undefined ? fallback : number(v, (n) => (n > 0 ? null : 'must be greater than 0')));

const list: Reader<string[]> = (v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const optional: Reader<string | undefined> = (v) => v;

const required = (name: string): Reader<string> => (v) => (v ? v : invalid(`${name} is required`));

/** A URL, surrounding spaces trimmed and tabs and newlines dropped (as the URL parser reads it). */
const url: Reader<string> = (v) => {
  if (v === undefined) return invalid('expected a URL');
  try {
    new URL(v.trim());
    return v.trim().replace(/[\t\n\r]/g, '');
  } catch {
    return invalid('Invalid URL');
  }
};

// `version:base64key,...`: each key must decode to 32 bytes (AES-256). The first encrypts.
const encryptionKeys: Reader<{ version: number; key: Uint8Array }[]> = (value) => {
  if (!value) return invalid('CREDENTIALS_ENCRYPTION_KEYS is required');
  const keys: { version: number; key: Uint8Array }[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\d{1,6}):([A-Za-z0-9+/=_-]+)$/.exec(part);
    const bytes = match ? decodeBase64Any(match[2]) : null;
    if (!match || !bytes || bytes.length !== 32) return invalid('CREDENTIALS_ENCRYPTION_KEYS entries must be `version:base64(32 bytes)`');
    keys.push({ version: Number(match[1]), key: bytes });
  }
  if (keys.length === 0 || new Set(keys.map((k) => k.version)).size !== keys.length) {
    return invalid('CREDENTIALS_ENCRYPTION_KEYS needs at least one key and unique versions');
  }
  return keys;
};

/** The most MAX_MESSAGE_CHARS may be set to (POST /chat's schema checks this ceiling first). */
export const MESSAGE_CHARS_CEILING = 200_000;

/**
 * The most MAX_BODY_BYTES may be set to (16 MiB). A JSON string takes at least a byte per
 * character, so no text in a body is longer than this: the gateway's message schema checks
 * this ceiling first and documents MAX_BODY_BYTES as the limit.
 */
export const BODY_BYTES_CEILING = 16 * 1024 * 1024;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const env = {
  SUPABASE_URL: url,
  SUPABASE_DB_URL: required('SUPABASE_DB_URL'),
  SUPABASE_JWKS: optional,
  SUPABASE_JWT_SECRET: optional,
  // Hosted projects on the legacy HS256 secret: `SUPABASE_*` names are reserved for
  // `supabase secrets set`, so the secret is set under this name instead.
  JWT_SECRET: optional,
  JWT_ISSUER: list,
  CREDENTIALS_ENCRYPTION_KEYS: encryptionKeys,
  ALLOW_PRIVATE_PROVIDER_URLS: bool,
  CORS_ORIGINS: list,
  DEMO_PROVIDER_URL: (v: string | undefined) => (v ? url(v) : undefined),
  CHAT_RATE_CAPACITY: int(20),
  CHAT_RATE_REFILL_PER_SECOND: positive(0.2),
  HEAVY_RATE_CAPACITY: int(60),
  HEAVY_RATE_REFILL_PER_SECOND: positive(1),
  IMPORT_RATE_CAPACITY: int(120),
  IMPORT_RATE_REFILL_PER_SECOND: positive(2),
  // Signed-out reads (a shared chat's pages, a public prompt) per client address, sized for a
  // room behind one router: a class of 30 opening the teacher's shared chat (1 read), paging back
  // ~6 pages of 50 (6) and opening 3 public prompts (3) is 30 × 10 = 300 reads, which the bucket
  // holds even all at once; 3 a second back lets the same class go on reading a page every 10 s
  // each. A script from one address gets 300, then 3 a second (~11,000 an hour, each one indexed
  // page). A bigger room behind one address (a school's whole network) raises both (README › Settings).
  PUBLIC_READ_RATE_CAPACITY: int(300),
  PUBLIC_READ_RATE_REFILL_PER_SECOND: positive(3),
  MAX_BODY_BYTES: int(256 * 1024, 1, BODY_BYTES_CEILING),
  // The messages table allows 200 000 characters per message.
  MAX_MESSAGE_CHARS: int(32_000, 1, MESSAGE_CHARS_CEILING),
  MAX_TOKENS_CAP: int(8192),
  PROVIDER_TIMEOUT_MS: int(60_000),
  KEEPALIVE_MS: int(15_000),
  // JSON: per-deployment prices on top of lib/prices.ts (see there).
  MODEL_PRICES: (v: string | undefined) => {
    if (!v) return {};
    const parsed = parsePriceOverrides(safeJson(v));
    return 'problem' in parsed ? invalid(`not a valid price table (${parsed.problem})`) : parsed.overrides;
  },
  // Storage (attachments, project files): the API calls /storage/v1 with the caller's token
  // and an API key; lifecycle clean-up uses the service key. Hosted sets these for functions.
  SUPABASE_ANON_KEY: optional,
  SUPABASE_PUBLISHABLE_KEYS: optional,
  SUPABASE_SERVICE_ROLE_KEY: optional,
  SUPABASE_SECRET_KEYS: optional,
  MAX_ATTACHMENTS_PER_MESSAGE: int(10),
  ATTACHMENT_QUOTA_BYTES: int(500 * 1024 * 1024),
  // Chat uploads nothing refers to are removed once this old (a draft keeps its files meanwhile);
  // a user's folder is swept at most once per interval, when they send (lib/attachments/cleanup.ts).
  CHAT_UPLOAD_GRACE_SECONDS: int(24 * 60 * 60, 0),
  CHAT_UPLOAD_SWEEP_INTERVAL_SECONDS: int(60 * 60, 0),
  // Objects queued with no API request to drain them (an account deleted with the Auth admin
  // API or the dashboard) are drained after the next request once this long has passed.
  STORAGE_CLEANUP_INTERVAL_SECONDS: int(60, 0),
  // A running turn's lease: how long after its process dies its answer is settled.
  TURN_LEASE_MS: int(30_000, 1_000),
  // Stop a turn (status stopped, code wall_clock_limit) before the platform's wall clock does:
  // hosted Edge Functions get 150 s (free) or 400 s (paid). 0 turns the budget off.
  CHAT_TURN_MAX_MS: int(140_000, 0),
  CHAT_CHECKPOINT_MS: int(2_000, 50),
  // How long a finished answer's write is tried while the database is away (a restart, a
  // failover): until it is written, the function may hold the only copy (lib/chat/final-save.ts).
  CHAT_FINAL_SAVE_MS: int(300_000, 1_000),
  CHAT_BROADCAST_MIN_INTERVAL_MS: int(0, 0),
  // Running turns' Realtime channels joined over WebSockets at once (hosted allows 100 per
  // connection: one socket per 100); past that, and with 0, broadcasts go over REST.
  CHAT_BROADCAST_SOCKET_CHANNELS: int(100, 0, 10_000),
  // Channel joins per second at most (hosted counts them per project: 100 on Free, 500 on Pro).
  CHAT_BROADCAST_JOINS_PER_SECOND: int(20, 1, 10_000),
  LOG_LEVEL: (v: string | undefined): Config['logLevel'] =>
    v === undefined ? 'info' : (LOG_LEVELS as readonly string[]).includes(v) ? (v as Config['logLevel']) : invalid(`expected one of ${LOG_LEVELS.join(', ')}`),
} satisfies Record<string, Reader<unknown>>;

type Env = { [K in keyof typeof env]: ReturnType<(typeof env)[K]> };

export interface Config {
  supabaseUrl: string;
  dbUrl: string;
  /** Parsed JWKS JSON when given in env; otherwise fetched from the auth server. */
  jwks: { keys: Record<string, unknown>[] } | null;
  jwtSecret: string | null;
  /** Accepted `iss` values: `<SUPABASE_URL>/auth/v1` unless JWT_ISSUER lists others. */
  jwtIssuers: string[];
  /** Secret (service-role) key for Realtime Broadcast from the server; null turns broadcast off. */
  secretKey: string | null;
  /** Newest first: index 0 encrypts, all decrypt. */
  encryptionKeys: { version: number; key: Uint8Array }[];
  allowPrivateProviderUrls: boolean;
  corsOrigins: string[];
  demoProviderUrl: string | null;
  limits: {
    chatRateCapacity: number;
    chatRateRefillPerSecond: number;
    /** The `heavy` bucket: export, search, usage aggregates (lib/rate-limit.ts). */
    heavyRateCapacity: number;
    heavyRateRefillPerSecond: number;
    /** The `import` bucket: POST /import batches (routes/import.ts). */
    importRateCapacity: number;
    importRateRefillPerSecond: number;
    /** The `public_reads` bucket, per client address: signed-out reads (lib/address-rate-limit.ts). */
    publicReadRateCapacity: number;
    publicReadRateRefillPerSecond: number;
    maxBodyBytes: number;
    maxMessageChars: number;
    maxTokensCap: number;
    providerTimeoutMs: number;
    keepaliveMs: number;
    turnLeaseMs: number;
    turnMaxMs: number;
    checkpointMs: number;
    /** How long a turn's final write is tried while the database is away. */
    finalSaveMs: number;
    /** Least time between two Realtime broadcast requests (0: as soon as the last one answered). */
    broadcastMinIntervalMs: number;
    /** Running turns' channels joined over WebSockets at once (0: broadcast over REST only). */
    broadcastSocketChannels: number;
    /** Channel joins per second at most; a turn waiting for its join broadcasts over REST. */
    broadcastJoinsPerSecond: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  storage: {
    /** Sent as `apikey` with the caller's own token (publishable key, else legacy anon key). */
    apiKey: string | null;
    /** Service key for removing objects whose rows are gone (secret key, else service_role). */
    serviceKey: string | null;
    maxAttachmentsPerMessage: number;
    /** Bytes one user may keep in the attachments bucket. */
    quotaBytes: number;
    /** Age after which a chat upload no message refers to is an orphan: swept, and not counted in the quota. */
    orphanGraceSeconds: number;
    /** A user's chat folder is swept for orphans at most this often (0: on every send). */
    sweepIntervalSeconds: number;
    /** The clean-up queue is drained in the background at most this often (0: after every request). */
    cleanupIntervalSeconds: number;
  };
  /** Built-in list prices with MODEL_PRICES on top, keyed `<provider>/<model>` or `<provider>/*`. */
  prices: Record<string, ModelPrice>;
}

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const e = {} as Record<string, unknown>;
  for (const [name, read] of Object.entries(env) as [string, Reader<unknown>][]) {
    try {
      e[name] = read(source[name]);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid API configuration:\n  ${problems.join('\n  ')}`);
  return fromEnv(e as Env);
}

function fromEnv(e: Env): Config {
  let jwks: Config['jwks'] = null;
  if (e.SUPABASE_JWKS) {
    const parsed = safeJson(e.SUPABASE_JWKS);
    if (!isJwks(parsed)) throw new Error('Invalid API configuration:\n  SUPABASE_JWKS: not a JWKS JSON document');
    jwks = parsed;
  }
  const supabaseUrl = e.SUPABASE_URL.replace(/\/+$/, '');
  return {
    supabaseUrl,
    dbUrl: e.SUPABASE_DB_URL,
    jwks,
    jwtSecret: e.SUPABASE_JWT_SECRET || e.JWT_SECRET || null,
    jwtIssuers: e.JWT_ISSUER.length > 0 ? e.JWT_ISSUER : [`${supabaseUrl}/auth/v1`],
    secretKey: firstKey(e.SUPABASE_SECRET_KEYS) ?? (e.SUPABASE_SERVICE_ROLE_KEY || null),
    encryptionKeys: e.CREDENTIALS_ENCRYPTION_KEYS,
    allowPrivateProviderUrls: e.ALLOW_PRIVATE_PROVIDER_URLS,
    corsOrigins: e.CORS_ORIGINS,
    demoProviderUrl: e.DEMO_PROVIDER_URL ?? null,
    limits: {
      chatRateCapacity: e.CHAT_RATE_CAPACITY,
      chatRateRefillPerSecond: e.CHAT_RATE_REFILL_PER_SECOND,
      heavyRateCapacity: e.HEAVY_RATE_CAPACITY,
      heavyRateRefillPerSecond: e.HEAVY_RATE_REFILL_PER_SECOND,
      importRateCapacity: e.IMPORT_RATE_CAPACITY,
      importRateRefillPerSecond: e.IMPORT_RATE_REFILL_PER_SECOND,
      publicReadRateCapacity: e.PUBLIC_READ_RATE_CAPACITY,
      publicReadRateRefillPerSecond: e.PUBLIC_READ_RATE_REFILL_PER_SECOND,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      maxTokensCap: e.MAX_TOKENS_CAP,
      providerTimeoutMs: e.PROVIDER_TIMEOUT_MS,
      keepaliveMs: e.KEEPALIVE_MS,
      turnLeaseMs: e.TURN_LEASE_MS,
      turnMaxMs: e.CHAT_TURN_MAX_MS,
      checkpointMs: e.CHAT_CHECKPOINT_MS,
      finalSaveMs: e.CHAT_FINAL_SAVE_MS,
      broadcastMinIntervalMs: e.CHAT_BROADCAST_MIN_INTERVAL_MS,
      broadcastSocketChannels: e.CHAT_BROADCAST_SOCKET_CHANNELS,
      broadcastJoinsPerSecond: e.CHAT_BROADCAST_JOINS_PER_SECOND,
    },
    logLevel: e.LOG_LEVEL,
    storage: {
      apiKey: firstKey(e.SUPABASE_PUBLISHABLE_KEYS) ?? e.SUPABASE_ANON_KEY ?? null,
      serviceKey: firstKey(e.SUPABASE_SECRET_KEYS) ?? e.SUPABASE_SERVICE_ROLE_KEY ?? null,
      maxAttachmentsPerMessage: e.MAX_ATTACHMENTS_PER_MESSAGE,
      quotaBytes: e.ATTACHMENT_QUOTA_BYTES,
      orphanGraceSeconds: e.CHAT_UPLOAD_GRACE_SECONDS,
      sweepIntervalSeconds: e.CHAT_UPLOAD_SWEEP_INTERVAL_SECONDS,
      cleanupIntervalSeconds: e.STORAGE_CLEANUP_INTERVAL_SECONDS,
    },
    prices: buildPriceTable(e.MODEL_PRICES),
  };
}

/** `{ keys: [{…}, …] }`: what the verifier needs of a JWKS document (jose checks each key). */
function isJwks(value: unknown): value is { keys: Record<string, unknown>[] } {
  const keys = typeof value === 'object' && value !== null ? (value as { keys?: unknown }).keys : undefined;
  return Array.isArray(keys) && keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key));
}

/** `{"default":"sb_…"}` as hosted passes SUPABASE_PUBLISHABLE_KEYS / SUPABASE_SECRET_KEYS. */
function firstKey(json: string | undefined): string | undefined {
  const value = json ? safeJson(json) : null;
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.values(value).filter((k): k is string => typeof k === 'string' && k.length > 0);
  return 'default' in value && typeof value.default === 'string' ? value.default : keys[0];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Accepts standard or url-safe base64 (people paste either), padded or not. The platform's
// atob (forgiving-base64, https://infra.spec.whatwg.org/#forgiving-base64-decode) rather than
// a library: this runs at every cold start, and jose would be loaded for this alone.
function decodeBase64Any(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
