/**
 * Applies the Supabase platform bootstrap to a database: bootstrap.sql (roles, auth, the
 * publication), then one file per further platform area (bootstrap-realtime.sql,
 * bootstrap-storage.sql and its listing function, bootstrap-storage-listing.sql). Idempotent.
 */
import fs from 'node:fs/promises';
import postgres from 'postgres';

const BOOTSTRAP_FILES = [
  new URL('./bootstrap.sql', import.meta.url),
  new URL('./bootstrap-realtime.sql', import.meta.url),
  new URL('./bootstrap-storage.sql', import.meta.url),
  new URL('./bootstrap-storage-listing.sql', import.meta.url),
  new URL('./bootstrap-auth-flows.sql', import.meta.url),
];

export async function applyBootstrap(url: string): Promise<void> {
  const texts = await Promise.all(BOOTSTRAP_FILES.map((file) => fs.readFile(file, 'utf8')));
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Roles are cluster-wide; two databases bootstrapping at once would race on them.
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(727001)`;
      for (const text of texts) await tx.unsafe(text);
    });
  } finally {
    await sql.end();
  }
}
