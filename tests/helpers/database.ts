/**
 * A fresh database per test file, cloned from the migrated template that
 * tests/setup/global-database.ts prepared.
 *
 *   const db = await createTestDatabase();   // in beforeAll
 *   await db.sql`select 1`;                  // superuser connection
 *   await db.drop();                         // in afterAll
 *
 * For a migration that repairs rows, createTestDatabaseBefore(version) migrates a new database
 * up to that version only; the test plants the rows, then applyRest() runs the rest.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import postgres, { type Sql } from 'postgres';
import { inject } from 'vitest';
import { applyBootstrap } from '../../local/src/db/bootstrap.ts';
import { withDatabase } from '../setup/global-database.ts';
import { recentLines } from './recent-lines.ts';

export interface TestDatabase {
  /** Superuser URL of the new database (postgres/postgres, as the Supabase CLI's). */
  url: string;
  name: string;
  /** A superuser client, closed by drop(). */
  sql: Sql;
  /** Warnings `sql` received (at most 50): realtime.send() reports a failed send only so. */
  warnings(): string[];
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('databaseAdminUrl');
  const template = inject('templateDatabase');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // Two files cloning at the same instant both need the template free of connections.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return connect(adminUrl, name);
}

const MIGRATIONS = new URL('../../supabase/migrations/', import.meta.url);

/**
 * A new database with the platform bootstrap and the migrations older than `version` (as a
 * deployment made before it has them), each file in one transaction as `supabase db push`
 * applies it. applyRest() applies the others, `version` first. No seed.
 */
export async function createTestDatabaseBefore(version: string): Promise<TestDatabase & { applyRest(): Promise<void> }> {
  const adminUrl = inject('databaseAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const db = await connect(adminUrl, name);
  const files = (await fs.readdir(MIGRATIONS)).filter((file) => file.endsWith('.sql')).sort();
  const apply = async (file: string) => {
    const text = await fs.readFile(new URL(file, MIGRATIONS), 'utf8');
    await db.sql.begin((tx) => tx.unsafe(text)).catch((error: Error) => {
      throw new Error(`migration ${file}: ${error.message}`);
    });
  };
  try {
    await applyBootstrap(db.url);
    for (const file of files.filter((f) => f < version)) await apply(file);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    ...db,
    async applyRest() {
      for (const file of files.filter((f) => f >= version)) await apply(file);
    },
  };
}

async function connect(adminUrl: string, name: string): Promise<TestDatabase> {
  const url = withDatabase(adminUrl, name);
  const warnings = recentLines(50);
  const sql = postgres(url, {
    max: 4,
    onnotice: (notice) => {
      if (notice.severity === 'WARNING') warnings.add(notice.message);
    },
  });
  return {
    url,
    name,
    sql,
    warnings: warnings.lines,
    async drop() {
      await sql.end({ timeout: 5 });
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * Another transaction holds `table` in exclusive mode until `release()` (inserts into it wait
 * meanwhile); `end()` releases it and closes the connection.
 */
export async function holdTable(dbUrl: string, table: string): Promise<{ release(): void; end(): Promise<void> }> {
  const admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const done = new Promise<void>((resolve, reject) => {
    admin.begin(async (sql) => {
      await sql`lock table ${sql(table)} in exclusive mode`;
      resolve();
      await held;
    }).catch(reject);
  });
  await done;
  return { release, end: async () => { release(); await admin.end(); } };
}
