/**
 * The API's environment, parsed once with zod. Everything configurable lives here so
 * handlers never read env themselves and tests can build a Config from a plain object.
 */
import { base64url } from 'jose';
import { z } from 'zod';
import { buildPriceTable, modelPricesSchema, type ModelPrice } from './lib/prices.ts';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const int = (fallback: number, min = 1) =>
  z.coerce.number().int().min(min).optional().transform((v) => v ?? fallback);

const positive = (fallback: number) =>
  z.coerce.number().positive().optional().transform((v) => v ?? fallback);

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

// `version:base64key,...`: each key must decode to 32 bytes (AES-256). The first encrypts.
const encryptionKeys = z.string().min(1, 'CREDENTIALS_ENCRYPTION_KEYS is required').transform((value, ctx) => {
  const keys: { version: number; key: Uint8Array }[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\d{1,6}):([A-Za-z0-9+/=_-]+)$/.exec(part);
    const bytes = match ? decodeBase64Any(match[2]) : null;
    if (!match || !bytes || bytes.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'CREDENTIALS_ENCRYPTION_KEYS entries must be `version:base64(32 bytes)`' });
      return z.NEVER;
    }
    keys.push({ version: Number(match[1]), key: bytes });
  }
  if (keys.length === 0 || new Set(keys.map((k) => k.version)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'CREDENTIALS_ENCRYPTION_KEYS needs at least one key and unique versions' });
    return z.NEVER;
  }
  return keys;
});

const envSchema = z.object({
  SUPABASE_URL: z.url(),
  SUPABASE_DB_URL: z.string().min(1, 'SUPABASE_DB_URL is required'),
  SUPABASE_JWKS: z.string().optional(),
  SUPABASE_JWT_SECRET: z.string().optional(),
  // Hosted projects on the legacy HS256 secret: `SUPABASE_*` names are reserved for
  // `supabase secrets set`, so the secret is set under this name instead.
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: list,
  CREDENTIALS_ENCRYPTION_KEYS: encryptionKeys,
  ALLOW_PRIVATE_PROVIDER_URLS: bool,
  CORS_ORIGINS: list,
  DEMO_PROVIDER_URL: z.url().optional().or(z.literal('').transform(() => undefined)),
  CHAT_RATE_CAPACITY: int(20),
  CHAT_RATE_REFILL_PER_SECOND: positive(0.2),
  HEAVY_RATE_CAPACITY: int(60),
  HEAVY_RATE_REFILL_PER_SECOND: positive(1),
  IMPORT_RATE_CAPACITY: int(120),
  IMPORT_RATE_REFILL_PER_SECOND: positive(2),
  MAX_BODY_BYTES: int(256 * 1024),
  // The messages table allows 200 000 characters per message.
  MAX_MESSAGE_CHARS: int(32_000).refine((n) => n <= 200_000, 'at most 200000'),
  MAX_TOKENS_CAP: int(8192),
  PROVIDER_TIMEOUT_MS: int(60_000),
  KEEPALIVE_MS: int(15_000),
  // JSON: per-deployment prices on top of lib/prices.ts (see there).
  MODEL_PRICES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return {};
      const parsed = modelPricesSchema.safeParse(safeJson(value));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: `not a valid price table (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})` });
      return z.NEVER;
    }),
  // Storage (attachments, project files): the API calls /storage/v1 with the caller's token
  // and an API key; lifecycle clean-up uses the service key. Hosted sets these for functions.
  SUPABASE_ANON_KEY: z.string().optional(),
  SUPABASE_PUBLISHABLE_KEYS: z.string().optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
  SUPABASE_SECRET_KEYS: z.string().optional(),
  MAX_ATTACHMENTS_PER_MESSAGE: int(10),
  ATTACHMENT_QUOTA_BYTES: int(500 * 1024 * 1024),
  // Chat uploads nothing refers to are removed once this old (a draft keeps its files meanwhile);
  // a user's folder is swept at most once per interval, when they send (lib/attachments/cleanup.ts).
  CHAT_UPLOAD_GRACE_SECONDS: int(24 * 60 * 60, 0),
  CHAT_UPLOAD_SWEEP_INTERVAL_SECONDS: int(60 * 60, 0),
  // A running turn's lease: how long after its process dies its answer is settled.
  TURN_LEASE_MS: int(30_000, 1_000),
  // Stop a turn (status stopped, code wall_clock_limit) before the platform's wall clock does:
  // hosted Edge Functions get 150 s (free) or 400 s (paid). 0 turns the budget off.
  CHAT_TURN_MAX_MS: int(140_000, 0),
  CHAT_CHECKPOINT_MS: int(2_000, 50),
  CHAT_BROADCAST_MIN_INTERVAL_MS: int(0, 0),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional().default('info'),
});

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
    maxBodyBytes: number;
    maxMessageChars: number;
    maxTokensCap: number;
    providerTimeoutMs: number;
    keepaliveMs: number;
    turnLeaseMs: number;
    turnMaxMs: number;
    checkpointMs: number;
    /** Least time between two Realtime broadcast requests (0: as soon as the last one answered). */
    broadcastMinIntervalMs: number;
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
  };
  /** Built-in list prices with MODEL_PRICES on top, keyed `<provider>/<model>` or `<provider>/*`. */
  prices: Record<string, ModelPrice>;
}

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`);
    throw new Error(`Invalid API configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  let jwks: Config['jwks'] = null;
  if (e.SUPABASE_JWKS) {
    const result = jwksSchema.safeParse(safeJson(e.SUPABASE_JWKS));
    if (!result.success) throw new Error('Invalid API configuration:\n  SUPABASE_JWKS: not a JWKS JSON document');
    jwks = result.data;
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
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      maxTokensCap: e.MAX_TOKENS_CAP,
      providerTimeoutMs: e.PROVIDER_TIMEOUT_MS,
      keepaliveMs: e.KEEPALIVE_MS,
      turnLeaseMs: e.TURN_LEASE_MS,
      turnMaxMs: e.CHAT_TURN_MAX_MS,
      checkpointMs: e.CHAT_CHECKPOINT_MS,
      broadcastMinIntervalMs: e.CHAT_BROADCAST_MIN_INTERVAL_MS,
    },
    logLevel: e.LOG_LEVEL,
    storage: {
      apiKey: firstKey(e.SUPABASE_PUBLISHABLE_KEYS) ?? e.SUPABASE_ANON_KEY ?? null,
      serviceKey: firstKey(e.SUPABASE_SECRET_KEYS) ?? e.SUPABASE_SERVICE_ROLE_KEY ?? null,
      maxAttachmentsPerMessage: e.MAX_ATTACHMENTS_PER_MESSAGE,
      quotaBytes: e.ATTACHMENT_QUOTA_BYTES,
      orphanGraceSeconds: e.CHAT_UPLOAD_GRACE_SECONDS,
      sweepIntervalSeconds: e.CHAT_UPLOAD_SWEEP_INTERVAL_SECONDS,
    },
    prices: buildPriceTable(e.MODEL_PRICES),
  };
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

// Accepts standard or url-safe base64 (people paste either). jose's decoder, because
// deno-std's needs ArrayBuffer.prototype.transfer, which Node 20 lacks.
function decodeBase64Any(text: string): Uint8Array | null {
  try {
    return base64url.decode(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  } catch {
    return null;
  }
}
