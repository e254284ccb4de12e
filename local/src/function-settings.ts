/**
 * What `npm start` checks of the `api` function's settings before it says the stack is
 * running: that the function can read them (else every API call was a 503 BOOT_ERROR, the
 * reason only in stack.log after the first request), and that the encryption key list can
 * still open the provider keys the database holds.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../../supabase/functions/api/config.ts';
import { credentialKeyVersion } from '../../supabase/functions/api/lib/credentials-crypto.ts';
import { keyVersions } from './functions-env.ts';

/**
 * Throws the function's own reading of `env` (config.ts, the parser it runs at boot), saying
 * where the settings come from, when the `api` function is served and would not boot.
 */
export function checkApiSettings(env: Record<string, string>, functionsDir: string): void {
  if (!existsSync(path.join(functionsDir, 'api', 'index.ts'))) return;
  try {
    loadConfig(env);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\nFix it in supabase/functions/.env (or the environment of npm start) and start again.`);
  }
}

/**
 * A warning when stored provider keys or kept share links are encrypted under a key version
 * the list lacks: their owners would meet `credential_unreadable` with nothing said here.
 */
export async function unreadableSecretsWarning(dbUrl: string, keyList: string, source: string): Promise<string | undefined> {
  const known = new Set(keyVersions(keyList));
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ present } = { present: false }] = await sql<{ present: boolean }[]>`
      select to_regclass('public.api_credentials') is not null and to_regclass('public.session_shares') is not null as present`;
    if (!present) return undefined;
    const rows = await sql<{ sealed: string }[]>`
      select encrypted_key as sealed from public.api_credentials
      union all select token_sealed from public.session_shares where token_sealed is not null`;
    const missing = new Map<number, number>();
    for (const { sealed } of rows) {
      const version = credentialKeyVersion(sealed.replace(/^legacy\./, ''));
      if (version !== null && !known.has(version)) missing.set(version, (missing.get(version) ?? 0) + 1);
    }
    if (missing.size === 0) return undefined;
    const count = [...missing.values()].reduce((a, b) => a + b, 0);
    const versions = [...missing.keys()].sort((a, b) => b - a).join(', ');
    return (
      `the database holds ${count} provider key${count === 1 ? '' : 's'} or share link${count === 1 ? '' : 's'} encrypted ` +
      `under key version ${versions}, which CREDENTIALS_ENCRYPTION_KEYS (${source}) lacks: their owners get ` +
      `"credential_unreadable" until they save them again. Put that key back in the list, after the newest.`
    );
  } finally {
    await sql.end();
  }
}
