/**
 * Re-encrypts every stored provider key, and every kept copy of a chat's share link
 * (session_shares.token_sealed, lib/share-link-seal.ts), with the newest
 * CREDENTIALS_ENCRYPTION_KEYS entry (the first one), for key rotation: put the new key first,
 * keep the old ones after it, run this, then drop the old keys.
 *
 *   SUPABASE_DB_URL=… CREDENTIALS_ENCRYPTION_KEYS="2:new…,1:old…" npm run credentials:rotate
 *
 * Runs as the database owner (it must read every user's ciphertext), one row per
 * transaction with a row lock, and only rewrites rows whose ciphertext is unchanged since
 * it was read. Ciphertexts in the legacy form (from before base_url was bound into the
 * associated data) are rewritten in the current form too, even under an unchanged key.
 * Prints counts, never keys.
 */
import postgres from 'postgres';
import { loadConfig } from '../config.ts';
import { credentialKeyVersion, decryptCredential, encryptCredential, type EncryptionKey } from '../lib/credentials-crypto.ts';
import { resealShareToken } from '../lib/share-link-seal.ts';

interface RewriteCounts {
  total: number;
  rewritten: number;
  alreadyCurrent: number;
  failed: { id: string; reason: string }[];
}

export interface ReencryptResult extends RewriteCounts {
  /** The share links' kept copies (by session id). */
  shareLinks: RewriteCounts;
}

export async function reencryptCredentials(dbUrl: string, keys: EncryptionKey[]): Promise<ReencryptResult> {
  const sql = postgres(dbUrl, { prepare: false, max: 1, onnotice: () => {} });
  const result: ReencryptResult = { total: 0, rewritten: 0, alreadyCurrent: 0, failed: [], shareLinks: { total: 0, rewritten: 0, alreadyCurrent: 0, failed: [] } };
  const newest = keys[0].version;
  try {
    const ids = await sql<{ id: string }[]>`select id from public.api_credentials order by created_at`;
    result.total = ids.length;
    for (const { id } of ids) {
      await sql.begin(async (tx) => {
        const [row] = await tx<{ user_id: string; provider: string; encrypted_key: string; base_url: string | null }[]>`
          select user_id, provider, encrypted_key, base_url from public.api_credentials where id = ${id} for update`;
        if (!row) return; // deleted meanwhile
        if (credentialKeyVersion(row.encrypted_key) === newest) {
          result.alreadyCurrent++;
          return;
        }
        try {
          const owner = { userId: row.user_id, provider: row.provider, baseUrl: row.base_url };
          const plaintext = await decryptCredential(keys, owner, row.encrypted_key);
          const fresh = await encryptCredential(keys, owner, plaintext);
          // updated_at is left to the trigger; the key itself did not change for the user.
          await tx`update public.api_credentials set encrypted_key = ${fresh} where id = ${id}`;
          result.rewritten++;
        } catch (error) {
          result.failed.push({ id, reason: error instanceof Error ? error.message : 'unknown error' });
        }
      });
    }
    // A share link's kept copy the same way; one that does not open is left for its owner to
    // replace (the Share menu offers it), as a retired key would leave it anyway.
    const links = result.shareLinks;
    const sessions = await sql<{ session_id: string }[]>`
      select session_id from public.session_shares where token_sealed is not null order by shared_at`;
    links.total = sessions.length;
    for (const { session_id: sessionId } of sessions) {
      await sql.begin(async (tx) => {
        const [row] = await tx<{ user_id: string; token_sealed: string | null }[]>`
          select user_id, token_sealed from public.session_shares where session_id = ${sessionId} for update`;
        if (!row?.token_sealed) return; // unshared or replaced meanwhile
        if (credentialKeyVersion(row.token_sealed) === newest) {
          links.alreadyCurrent++;
          return;
        }
        try {
          const fresh = await resealShareToken(keys, row.user_id, sessionId, row.token_sealed);
          await tx`update public.session_shares set token_sealed = ${fresh} where session_id = ${sessionId}`;
          links.rewritten++;
        } catch (error) {
          links.failed.push({ id: sessionId, reason: error instanceof Error ? error.message : 'unknown error' });
        }
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return result;
}

/**
 * Validates the key list, moves every row to its first key and prints the counts (never a
 * key); resolves to whether every provider key moved. `npm run credentials:rotate` runs it
 * for any database, and for the local stack after it has put the new list in keys.json.
 */
export async function rotateAndReport(dbUrl: string, keyList: string | undefined, print: (line: string) => void = console.log): Promise<boolean> {
  // loadConfig validates the key list; the other fields are not used here.
  const config = loadConfig({ SUPABASE_URL: 'http://localhost', SUPABASE_DB_URL: dbUrl, CREDENTIALS_ENCRYPTION_KEYS: keyList });
  const result = await reencryptCredentials(dbUrl, config.encryptionKeys);
  print(
    `Re-encrypted ${result.rewritten} of ${result.total} credentials to key version ${config.encryptionKeys[0].version}` +
      ` (${result.alreadyCurrent} already current, ${result.failed.length} failed).`,
  );
  for (const f of result.failed) print(`  ${f.id}: ${f.reason}`);
  const links = result.shareLinks;
  print(
    `Re-encrypted ${links.rewritten} of ${links.total} kept share links (${links.alreadyCurrent} already current,` +
      ` ${links.failed.length} that do not open: their owners can replace them).`,
  );
  for (const f of links.failed) print(`  session ${f.id}: ${f.reason}`);
  return result.failed.length === 0;
}
