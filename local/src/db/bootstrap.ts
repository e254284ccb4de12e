/** Applies the Supabase platform bootstrap (bootstrap.sql) to a database. Idempotent. */
import fs from 'node:fs/promises';
import postgres from 'postgres';

const BOOTSTRAP_SQL = new URL('./bootstrap.sql', import.meta.url);

export async function applyBootstrap(url: string): Promise<void> {
  const text = await fs.readFile(BOOTSTRAP_SQL, 'utf8');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Roles are cluster-wide; two databases bootstrapping at once would race on them.
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(727001)`;
      await tx.unsafe(text);
    });
  } finally {
    await sql.end();
  }
}
