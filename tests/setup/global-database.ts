/**
 * Starts one Postgres for the whole test run and migrates a template database with the real
 * Supabase CLI. Test files clone the template (tests/helpers/database.ts), which takes tens of
 * milliseconds instead of re-running every migration.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { applyBootstrap } from '../../local/src/db/bootstrap.ts';
import { startEmbeddedPostgres } from '../../local/src/db/embedded.ts';
import { pushMigrations } from '../../local/src/db/migrate.ts';
import { getFreePort } from '../../local/src/ports.ts';

export const TEMPLATE_DATABASE = 'mrprompt_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server's `postgres` database. */
    databaseAdminUrl: string;
    /** Name of the migrated, seeded template database. */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  let dir: string | null = null;
  if (!adminUrl) {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-test-db-'));
    const server = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await getFreePort() });
    adminUrl = server.url;
    stop = server.stop;
  }
  try {
    await applyBootstrap(adminUrl);
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await sql.unsafe(`create database ${TEMPLATE_DATABASE}`);
    await sql.end();
    const templateUrl = withDatabase(adminUrl, TEMPLATE_DATABASE);
    await applyBootstrap(templateUrl);
    await pushMigrations(templateUrl, { seed: true });
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('databaseAdminUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
