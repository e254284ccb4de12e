/**
 * The local stack's secrets: an ES256 signing key (user access tokens, verified through the
 * JWKS), the legacy HS256 secret (anon/service_role JWTs, as the Supabase CLI), the opaque
 * publishable/secret API keys, and the credentials encryption key. Generated once into
 * `.mrprompt/keys.json` (mode 0600) and never committed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';
import { signLegacyToken } from './tokens.ts';

export interface StackKeys {
  /** Legacy HS256 secret: signs anon/service_role keys; accepted for verification too. */
  jwtSecret: string;
  /** Private ES256 JWK (with kid) that signs user access tokens. */
  signingKey: JWK;
  /** Public JWKS served at /auth/v1/.well-known/jwks.json. */
  jwks: { keys: JWK[] };
  publishableKey: string;
  secretKey: string;
  /** Legacy anon JWT (what a publishable key maps to at the gateway). */
  anonKey: string;
  /** Legacy service_role JWT (what a secret key maps to at the gateway). */
  serviceRoleKey: string;
  /** `version:base64key,...` for the API's AES-256-GCM credential encryption. */
  credentialsEncryptionKeys: string;
}

const jwkSchema = z.record(z.string(), z.unknown());
const keysFileSchema = z.object({
  jwtSecret: z.string().min(32),
  signingKey: jwkSchema,
  jwks: z.object({ keys: z.array(jwkSchema) }),
  publishableKey: z.string().startsWith('sb_publishable_'),
  secretKey: z.string().startsWith('sb_secret_'),
  anonKey: z.string(),
  serviceRoleKey: z.string(),
  credentialsEncryptionKeys: z.string().regex(/^\d+:[A-Za-z0-9+/=_-]+(,\d+:[A-Za-z0-9+/=_-]+)*$/),
});

/** Fresh keys in memory (tests, benchmarks). */
export async function generateKeys(): Promise<StackKeys> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const signingKey = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
  const jwtSecret = randomBytes(32).toString('base64url');
  return {
    jwtSecret,
    signingKey,
    jwks: { keys: [publicJwk] },
    publishableKey: `sb_publishable_${randomBytes(16).toString('base64url')}`,
    secretKey: `sb_secret_${randomBytes(16).toString('base64url')}`,
    anonKey: await signLegacyToken(jwtSecret, 'anon'),
    serviceRoleKey: await signLegacyToken(jwtSecret, 'service_role'),
    credentialsEncryptionKeys: `1:${randomBytes(32).toString('base64')}`,
  };
}

/** What a fresh set of keys costs, said wherever keys.json may have to be made again. */
const NEW_KEYS_COST = 'every stored provider API key must then be saved again by its owner, and everyone signs in again';

export interface LoadKeysOptions {
  /** Asked only when keys.json is missing: why new keys would lose data (the database still
   * holds what the old ones encrypted), or undefined when nothing would be lost. */
  whyNotNew?: () => Promise<string | undefined>;
}

/**
 * Reads `<dir>/keys.json`, creating it on first start. A keys.json that went missing next to
 * data made with it is not quietly replaced: the provider keys users stored would become
 * unreadable for good (`credential_unreadable`) with nothing said to the operator.
 */
export async function loadOrCreateKeys(dir: string, options: LoadKeysOptions = {}): Promise<StackKeys> {
  const file = path.join(dir, 'keys.json');
  try {
    return keysFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8'))) as StackKeys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `${file} is unreadable or damaged: restore it from your backup of ${dir}. If it is lost for good, ` +
          `delete it and start with \`npm start -- --new-keys\` (${NEW_KEYS_COST}).`,
      );
    }
  }
  const lost = await options.whyNotNew?.();
  if (lost) {
    throw new Error(
      `${file} is missing, but ${lost}. Restore keys.json from your backup of ${dir} and start again. ` +
        `If it is lost for good, \`npm start -- --new-keys\` makes new keys (${NEW_KEYS_COST}).`,
    );
  }
  const keys = await generateKeys();
  await fs.mkdir(dir, { recursive: true });
  await saveKeys(dir, keys);
  return keys;
}

/**
 * Writes `<dir>/keys.json` (a first start, a rotation of the encryption key) in one step: a crash
 * leaves the old file or the new one, never half of either. Readable by its owner only.
 */
export async function saveKeys(dir: string, keys: StackKeys): Promise<void> {
  const file = path.join(dir, 'keys.json');
  const scratch = `${file}.${process.pid}.tmp`;
  await fs.writeFile(scratch, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  await fs.rename(scratch, file);
}

/**
 * SUPABASE_JWKS as the CLI gives it to functions (https://supabase.com/docs/guides/functions/secrets): the public signing keys plus an
 * `oct` key holding the legacy secret, so HS256 tokens verify too.
 */
export function functionsJwks(keys: StackKeys): { keys: JWK[] } {
  return {
    keys: [
      ...keys.jwks.keys,
      { kty: 'oct', k: Buffer.from(keys.jwtSecret).toString('base64url'), alg: 'HS256', kid: 'legacy-hs256' },
    ],
  };
}

export { signAccessToken, signLegacyToken, verifyToken, type AccessTokenClaims, type VerifiedClaims } from './tokens.ts';
