/**
 * Encryption of users' provider keys: AES-256-GCM (Web Crypto), a random 96-bit nonce per
 * write, and `user_id|provider|base_url|key_version` as associated data, so a ciphertext
 * copied to another user's or provider's row — or left in a row whose base URL was changed
 * — fails to decrypt: the key can only ever go to the endpoint it was saved for. Stored as
 * `v<key_version>.<nonce>.<ciphertext+tag>` in base64url.
 *
 * Ciphertexts from before base_url was bound are stored as `legacy.v…` (marked by a
 * migration); they decrypt with the old associated data until
 * `npm run credentials:rotate` rewrites them.
 *
 *   const owner = { userId, provider, baseUrl: null };
 *   const stored = await encryptCredential(config.encryptionKeys, owner, 'sk-…');
 *   const key = await decryptCredential(config.encryptionKeys, owner, stored);
 */
import { base64url } from 'jose';

export interface EncryptionKey {
  version: number;
  key: Uint8Array;
}

export interface CredentialOwner {
  userId: string;
  provider: string;
  /** The endpoint the key may be sent to (custom/ollama), null for fixed endpoints. */
  baseUrl: string | null;
}

const LEGACY = 'legacy.';

/** Raised for any ciphertext that cannot be decrypted; never carries key material. */
export class CredentialDecryptError extends Error {
  constructor(reason: string) {
    super(`Stored credential cannot be decrypted: ${reason}`);
    this.name = 'CredentialDecryptError';
  }
}

const FORMAT = /^v(\d{1,6})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function importKey(raw: Uint8Array): Promise<CryptoKey> {
  let key = imported.get(raw);
  if (!key) {
    key = crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
    imported.set(raw, key);
  }
  return key;
}

function aad(owner: CredentialOwner, version: number, legacy = false): Uint8Array {
  const parts = legacy ? [owner.userId, owner.provider, version] : [owner.userId, owner.provider, owner.baseUrl ?? '', version];
  return new TextEncoder().encode(parts.join('|'));
}

/** Encrypts with the newest key (the first in the list). */
export async function encryptCredential(keys: EncryptionKey[], owner: CredentialOwner, plaintext: string): Promise<string> {
  const current = keys[0];
  if (!current) throw new Error('No credential encryption key configured');
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: aad(owner, current.version) as BufferSource, tagLength: 128 },
    await importKey(current.key),
    new TextEncoder().encode(plaintext),
  );
  return `v${current.version}.${base64url.encode(nonce)}.${base64url.encode(new Uint8Array(sealed))}`;
}

/** Decrypts with whichever configured key the ciphertext names. */
export async function decryptCredential(keys: EncryptionKey[], owner: CredentialOwner, stored: string): Promise<string> {
  const legacy = stored.startsWith(LEGACY);
  const match = FORMAT.exec(legacy ? stored.slice(LEGACY.length) : stored);
  if (!match) throw new CredentialDecryptError('unknown format');
  const version = Number(match[1]);
  const key = keys.find((k) => k.version === version);
  if (!key) throw new CredentialDecryptError(`key version ${version} is not configured`);
  try {
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: base64url.decode(match[2]) as BufferSource, additionalData: aad(owner, version, legacy) as BufferSource, tagLength: 128 },
      await importKey(key.key),
      base64url.decode(match[3]) as BufferSource,
    );
    return new TextDecoder().decode(opened);
  } catch {
    throw new CredentialDecryptError('authentication failed (wrong key, user, provider or base URL)');
  }
}

/** The key version a stored ciphertext uses, or null if malformed or in the legacy form. */
export function credentialKeyVersion(stored: string): number | null {
  const match = FORMAT.exec(stored);
  return match ? Number(match[1]) : null;
}

/** The last four characters, shown so people can tell their keys apart. */
export function keyHint(apiKey: string): string {
  return apiKey.length <= 8 ? '…' : `…${apiKey.slice(-4)}`;
}
