/**
 * DATABASE_URL, the operator's own Postgres in place of the embedded one, checked before the
 * stack uses it. Without this, a wrong URL surfaced as the driver's bare words ("Invalid URL",
 * "connect ECONNREFUSED 127.0.0.1:5433") with nothing saying they were about DATABASE_URL, and a
 * server that cannot serve the stack failed later and elsewhere. The password is never repeated.
 */
import postgres from 'postgres';

/** host:port/database of a URL, for messages. */
function where(url: URL): string {
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** Throws, saying what to change, unless `url` reaches a superuser on a wal_level=logical server. */
export async function checkGivenDatabase(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgresql://<user>:<password>@<host>:<port>/<database>');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must start with postgresql://, not ${parsed.protocol}//`);
  }
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, connection: { application_name: 'mrprompt-check' } });
  try {
    let server: { superuser: boolean; wal_level: string; user: string };
    try {
      [server] = await sql<{ superuser: boolean; wal_level: string; user: string }[]>`
        select current_user as user, current_setting('wal_level') as wal_level,
               (select rolsuper from pg_roles where rolname = current_user) as superuser`;
    } catch (error) {
      const said = error instanceof Error ? error.message : String(error);
      throw new Error(`the database at DATABASE_URL (${where(parsed)}) could not be used: ${said.replaceAll(parsed.password || '\0', '****')}`);
    }
    if (!server.superuser) {
      throw new Error(
        `DATABASE_URL's user "${server.user}" is not a superuser; the stack creates the Supabase roles, schemas and a ` +
          `replication slot there, as \`supabase start\` does: give a superuser's URL.`,
      );
    }
    if (server.wal_level !== 'logical') {
      throw new Error(
        `the database at DATABASE_URL (${where(parsed)}) has wal_level=${server.wal_level}; Realtime reads changes through ` +
          `logical replication: set wal_level = logical in its postgresql.conf and restart that server.`,
      );
    }
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
