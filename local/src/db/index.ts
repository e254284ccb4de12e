/**
 * The local database: embedded Postgres (or DATABASE_URL), the platform bootstrap, then the
 * app's migrations and seed through the Supabase CLI.
 */
import path from 'node:path';
import { DATA_DIR } from '../paths.ts';
import { applyBootstrap } from './bootstrap.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
import { pushMigrations } from './migrate.ts';

export interface DatabaseOptions {
  /** Use this server instead of starting one (the DATABASE_URL env). */
  databaseUrl?: string;
  dir?: string;
  port?: number;
  seed?: boolean;
  onLog?: (line: string) => void;
}

export interface Database {
  url: string;
  embedded: EmbeddedDatabase | null;
  timings: { startMs: number; bootstrapMs: number; migrateMs: number };
  stop(): Promise<void>;
}

export const DEFAULT_DB_PORT = 54322;

export async function startDatabase(options: DatabaseOptions = {}): Promise<Database> {
  let t = performance.now();
  const embedded = options.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dir: options.dir ?? path.join(DATA_DIR, 'db'),
        port: options.port ?? DEFAULT_DB_PORT,
        onLog: options.onLog,
      });
  const url = options.databaseUrl ?? embedded!.url;
  const startMs = performance.now() - t;
  try {
    t = performance.now();
    await applyBootstrap(url);
    const bootstrapMs = performance.now() - t;
    t = performance.now();
    await pushMigrations(url, { seed: options.seed });
    const migrateMs = performance.now() - t;
    return {
      url,
      embedded,
      timings: { startMs, bootstrapMs, migrateMs },
      stop: async () => { await embedded?.stop(); },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export { applyBootstrap, pushMigrations, startEmbeddedPostgres };
