/**
 * The sealed copy of a chat's share-link token, so its owner can see the link again
 * (session_shares.token_sealed, migration 20261207030000). Sealed as provider keys are
 * (lib/credentials-crypto.ts: AES-256-GCM under the deployment's credential key) with the
 * owner and the session as associated data, so a copy moved to another row does not open.
 * A sealed token is shown only when it opens and still hashes to the link's token_hash: a
 * replaced link, a value written by hand or a retired key version reads as "not kept".
 *
 *   const sealed = await sealShareToken(config.encryptionKeys, userId, sessionId, token);
 *   const token = await openShareToken(config.encryptionKeys, userId, sessionId, sealed, tokenHash);
 */
import { decryptCredential, encryptCredential, type CredentialOwner, type EncryptionKey } from './credentials-crypto.ts';

// The credential format's "provider" slot names what the ciphertext is for and where it belongs.
const owner = (userId: string, sessionId: string): CredentialOwner => ({ userId, provider: `share-link:${sessionId}`, baseUrl: null });

export function sealShareToken(keys: EncryptionKey[], userId: string, sessionId: string, token: string): Promise<string> {
  return encryptCredential(keys, owner(userId, sessionId), token);
}

/** The same token sealed under the newest key (key rotation: scripts/reencrypt-credentials.ts). */
export async function resealShareToken(keys: EncryptionKey[], userId: string, sessionId: string, sealed: string): Promise<string> {
  return encryptCredential(keys, owner(userId, sessionId), await decryptCredential(keys, owner(userId, sessionId), sealed));
}

/** The token, or null when there is no sealed copy or it is not this link's. */
export async function openShareToken(
  keys: EncryptionKey[],
  userId: string,
  sessionId: string,
  sealed: string | null,
  tokenHash: Uint8Array,
): Promise<string | null> {
  if (!sealed) return null;
  const token = await decryptCredential(keys, owner(userId, sessionId), sealed).catch(() => null);
  if (token === null) return null;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return hash.length === tokenHash.length && hash.every((byte, i) => byte === tokenHash[i]) ? token : null;
}
