/**
 * API keys for other apps: the key format (`mrp_` + 32 random bytes, base64url), its
 * SHA-256 (what the database stores and looks up), the scopes a key can hold, and the
 * claims a key-authenticated request runs with inside withUserTransaction.
 *
 * Why SHA-256 and not bcrypt/argon2: those slow hashes protect low-entropy passwords from
 * guessing. A key with 256 random bits cannot be guessed whatever the hash, so a fast hash
 * loses nothing, and it lets every request find its key with one indexed lookup.
 */
import { base64url } from 'jose';

export const API_KEY_SCOPES = ['prompts:read', 'chat'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_FORMAT = /^mrp_[A-Za-z0-9_-]{43}$/;

/** A new key and what is stored of it (the key itself is returned to the user once). */
export async function generateApiKey(): Promise<{ key: string; prefix: string; hash: Uint8Array }> {
  const key = `mrp_${base64url.encode(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { key, prefix: key.slice(0, 12), hash: await hashApiKey(key) };
}

/** True for strings shaped like our keys (anything else is treated as a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('mrp_');
}

/** True when the token is a well-formed key (a malformed one is refused without a lookup). */
export function isWellFormedApiKey(token: string): boolean {
  return KEY_FORMAT.test(token);
}

export async function hashApiKey(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
}

/**
 * The JWT-shaped claims a key-authenticated request hands Postgres (request.jwt.claims).
 * Built only from what the database said about the key — nothing from the request — so RLS
 * sees exactly the key's owner as `authenticated`, plus `api_key_id` (policies can refuse
 * key-authenticated writes, e.g. revoking keys) and the key's scopes. `aal2`: a key is not
 * the password, and an account with a second factor mints keys only from an aal2 session
 * (lib/auth.ts assertSessionAccess), so the tables' two-factor rule
 * (public.meets_mfa_requirement) lets its requests through.
 */
export function apiKeyClaims(key: { keyId: string; userId: string; email: string | null; scopes: string[] }) {
  return {
    sub: key.userId,
    role: 'authenticated',
    aud: 'authenticated',
    email: key.email ?? undefined,
    is_anonymous: false,
    aal: 'aal2',
    amr: [{ method: 'api_key', timestamp: Math.floor(Date.now() / 1000) }],
    api_key_id: key.keyId,
    scopes: key.scopes,
  };
}
