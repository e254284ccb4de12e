/**
 * A real Postgres with the real pgvector, for what the embedded Postgres of the other tests
 * cannot run (it ships no pgvector, and nothing may be downloaded at run time): PGlite —
 * Postgres compiled to WebAssembly, from npm — with its pgvector build, served on a loopback
 * port (pglite-socket), so postgres.js and the API's own code talk to it as to any server. The
 * platform bootstrap and every migration are applied in order, as `supabase db push` would.
 *
 *   const vdb = await startVectorDatabase();   // in beforeAll (~10 s)
 *   await vdb.sql`select extversion from pg_extension where extname = 'vector'`;
 *   await vdb.stop();
 */
import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import postgres, { type Sql } from 'postgres';
import { applyBootstrap } from '../../local/src/db/bootstrap.ts';

export interface VectorDatabase {
  url: string;
  /** A superuser client, closed by stop(). */
  sql: Sql;
  stop(): Promise<void>;
}

const MIGRATIONS = new URL('../../supabase/migrations/', import.meta.url);

export interface VectorDatabaseOptions {
  /** Create the `vector` extension in this schema before the migrations (as a project that enabled it earlier did). */
  vectorAlreadyIn?: string;
}

export async function startVectorDatabase(options: VectorDatabaseOptions = {}): Promise<VectorDatabase> {
  const db = await PGlite.create({ extensions: { vector, pgcrypto, pg_trgm, uuid_ossp } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  // `host:port`, the port the system assigned once listening.
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
  // PGlite serves one session at a time: a type lookup on a second connection while this one is
  // in a transaction would wait for it forever, so the types are read as the pool starts.
  const sql = postgres(url, { max: 1, onnotice: () => {}, eager_types: true });
  try {
    await applyBootstrap(url);
    // PGlite is Postgres 18, where a published table whose replica identity holds a stored
    // generated column (messages' full-text column, until 20261204213000 dropped it) must
    // publish it; hosted Supabase runs 17.
    await sql`alter publication supabase_realtime set (publish_generated_columns = stored)`;
    if (options.vectorAlreadyIn) await sql`create extension vector with schema ${sql(options.vectorAlreadyIn)}`;
    for (const name of (await fs.readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort()) {
      const text = await fs.readFile(new URL(name, MIGRATIONS), 'utf8');
      await sql.begin((tx) => tx.unsafe(text)).catch((error: Error) => {
        throw new Error(`migration ${name} failed on PGlite: ${error.message}`);
      });
    }
  } catch (error) {
    await sql.end();
    await server.stop();
    await db.close();
    throw error;
  }
  return {
    url,
    sql,
    async stop() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await db.close();
    },
  };
}
