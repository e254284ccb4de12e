/**
 * Every metadata query runs in a transaction that assumes the caller's role and claims, as
 * the Storage API does (src/internal/database/postgres/scope.ts), so the project's RLS
 * policies on storage.buckets and storage.objects decide what a caller may see and change.
 * `asSuperUser` is for the steps hosted also runs with RLS off: reading a bucket's limits,
 * serving public and signed objects, and completing a signed upload.
 */
import type { Sql, TransactionSql } from 'postgres';
import type { Caller } from './caller.ts';
import { fromDatabaseError, StorageError } from './errors.ts';

export type Tx = TransactionSql;

export interface Scope {
  operation: string;
  method?: string;
  path?: string;
}

export async function asCaller<T>(sql: Sql, caller: Caller, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return await run(sql, async (tx) => {
    await becomeCaller(tx, caller, scope);
    return await fn(tx);
  });
}

export async function asSuperUser<T>(sql: Sql, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return await run(sql, async (tx) => {
    await tx`select set_config('storage.operation', ${scope.operation}, true),
                    set_config('storage.allow_delete_query', 'true', true)`;
    return await fn(tx);
  });
}

class TestRollback extends Error {}

/**
 * Runs fn and rolls back: "would this write be allowed?" (hosted's testPermission). As the
 * caller, RLS and the table's triggers answer; as the superuser (a signed upload), the triggers.
 */
export async function testPermission(sql: Sql, writer: Caller | 'superuser', scope: Scope, fn: (tx: Tx) => Promise<unknown>): Promise<void> {
  const attempt = async (tx: Tx) => {
    await fn(tx);
    throw new TestRollback();
  };
  try {
    await (writer === 'superuser' ? asSuperUser(sql, scope, attempt) : asCaller(sql, writer, scope, attempt));
  } catch (error) {
    if (!(error instanceof TestRollback)) throw error;
  }
}

async function run<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    let result: T | undefined;
    await sql.begin(async (tx) => {
      result = await fn(tx);
    });
    return result as T;
  } catch (error) {
    if (error instanceof StorageError || error instanceof TestRollback) throw error;
    throw fromDatabaseError(error) ?? error;
  }
}

/** Switches an open transaction to the caller's role and claims. */
export async function becomeCaller(tx: Tx, caller: Caller, scope: Scope): Promise<void> {
  await tx`select
    set_config('role', ${caller.role}, true),
    set_config('request.jwt.claim.role', ${caller.role}, true),
    set_config('request.jwt', ${caller.jwt}, true),
    set_config('request.jwt.claim.sub', ${caller.owner ?? ''}, true),
    set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
    set_config('request.method', ${scope.method ?? ''}, true),
    set_config('request.path', ${scope.path ?? ''}, true),
    set_config('storage.operation', ${scope.operation}, true),
    set_config('storage.allow_delete_query', 'true', true)`;
}
