/**
 * The RLS check of reference §2.11 step 5: an INSERT/UPDATE reaches a subscriber only if, as
 * that subscriber (`role` and `request.jwt.claims` set transaction-locally), the row is
 * visible right now: `select exists(select 1 from <table> where <pk> = <values>)`.
 * All subscribers of one change are checked in one pipelined transaction.
 */
import type postgres from 'postgres';
import type { TableInfo } from './catalog.ts';

export interface Viewer {
  role: string;
  claims: Record<string, unknown>;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** Returns, per viewer, whether the row with these key values is visible to them. */
export async function checkVisibility(
  sql: postgres.Sql,
  table: TableInfo,
  key: (string | null)[],
  viewers: Viewer[],
): Promise<boolean[]> {
  if (viewers.length === 0) return [];
  const where = table.primaryKey
    .map((name, i) => {
      const column = table.columns.find((c) => c.name === name);
      // Types come from the catalog (format_type), identifiers are quoted.
      return `${quote(name)} = $${i + 1}::${column?.sqlType ?? 'text'}`;
    })
    .join(' and ');
  const statement = `select exists(select 1 from ${quote(table.schema)}.${quote(table.table)} where ${where}) as visible`;
  const run = (group: Viewer[]) =>
    sql.begin((tx) =>
      group.flatMap((viewer) => [
        tx`select set_config('role', ${viewer.role}, true), set_config('request.jwt.claims', ${JSON.stringify(viewer.claims)}, true)`,
        tx.unsafe(statement, key),
      ]),
    );
  try {
    return readResults(await run(viewers), viewers.length);
  } catch (error) {
    if (!isQueryError(error)) throw error;
    // One viewer's bad role or missing privilege must not hide the row from the others.
    const results: boolean[] = [];
    for (const viewer of viewers) {
      try {
        results.push(readResults(await run([viewer]), 1)[0]);
      } catch (single) {
        if (!isQueryError(single)) throw single;
        results.push(false);
      }
    }
    return results;
  }
}

function readResults(results: unknown, count: number): boolean[] {
  const rows = Array.isArray(results) ? results : [];
  const visible: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const result: unknown = rows[i * 2 + 1];
    const first: unknown = Array.isArray(result) ? result[0] : undefined;
    visible.push(typeof first === 'object' && first !== null && 'visible' in first && first.visible === true);
  }
  return visible;
}

/** A statement the server refused (privileges, unknown role, bad value), as opposed to the
 * connection failing: only the latter must make the caller retry the change. */
function isQueryError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = String(error.code);
  return /^[0-9A-Z]{5}$/.test(code) && !['08', '53', '57', '58', 'XX'].includes(code.slice(0, 2));
}
