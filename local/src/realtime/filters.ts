/**
 * The `filter` of a postgres_changes binding (https://supabase.com/docs/guides/realtime/postgres-changes#available-filters): `column=op.value` with eq, neq,
 * lt, lte, gt, gte and `in.(a,b)`. At join the value is cast to the column's type by Postgres
 * (a failed cast or unknown column rejects the binding, as the real server's trigger does) and
 * kept in the type's canonical text form, which is what pgoutput sends, so matching a change
 * needs no database round trip.
 */
import type pg from 'pg';
import type { TableInfo } from './catalog.ts';
import { timestampKey } from './values.ts';

export type FilterOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';

export interface ParsedFilter {
  column: string;
  op: FilterOp;
  values: string[];
}

export interface Filter extends ParsedFilter {
  typname: string;
}

const OPS: readonly string[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'];
const isOp = (op: string): op is FilterOp => OPS.includes(op);

export class FilterError extends Error {}

/** Syntax only; throws FilterError with the real server's wording. */
export function parseFilter(text: string): ParsedFilter {
  const match = /^([^=]+)=([a-z]+)\.(.*)$/s.exec(text);
  const op = match?.[2] ?? '';
  if (!match || !isOp(op)) throw new FilterError(`Error parsing \`filter\` params: ${JSON.stringify(text)}`);
  const [, column, , rest] = match;
  if (op !== 'in') return { column, op, values: [rest] };
  const list = /^\((.*)\)$/s.exec(rest);
  if (!list) throw new FilterError(`Error parsing \`filter\` params: ${JSON.stringify(text)}`);
  const values = list[1].split(',').map((v) => v.trim().replace(/^"(.*)"$/s, '$1'));
  if (values.length === 0 || values.length > 100) throw new FilterError('Error parsing `filter` params: `in` takes 1 to 100 values');
  return { column, op: 'in', values };
}

/** Checks the column exists and every value casts to its type; canonicalises the values. */
export async function resolveFilter(pool: pg.Pool, table: TableInfo, parsed: ParsedFilter): Promise<Filter> {
  const column = table.columns.find((c) => c.name === parsed.column);
  if (!column) {
    throw new FilterError(`Invalid column name: ${parsed.column} does not exist on ${table.schema}.${table.table}`);
  }
  const values: string[] = [];
  for (const value of parsed.values) {
    try {
      // sqlType comes from format_type() in the catalog, never from the client.
      const { rows } = await pool.query<{ v: string }>(`select ($1::text)::${column.sqlType}::text as v`, [value]);
      values.push(rows[0].v);
    } catch {
      throw new FilterError(`Error parsing \`filter\` params: invalid input for type ${column.typname}: ${JSON.stringify(value)}`);
    }
  }
  return { ...parsed, values, typname: column.typname };
}

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);
const TEMPORAL = new Set(['timestamptz', 'timestamp', 'date']);

/** SQL semantics: a NULL column value matches nothing. */
export function matchesFilter(filter: Filter, row: Record<string, string | null> | null): boolean {
  const raw = row?.[filter.column];
  if (raw === null || raw === undefined) return false;
  switch (filter.op) {
    case 'eq':
      return compare(filter.typname, raw, filter.values[0]) === 0;
    case 'neq':
      return compare(filter.typname, raw, filter.values[0]) !== 0;
    case 'lt':
      return compare(filter.typname, raw, filter.values[0]) < 0;
    case 'lte':
      return compare(filter.typname, raw, filter.values[0]) <= 0;
    case 'gt':
      return compare(filter.typname, raw, filter.values[0]) > 0;
    case 'gte':
      return compare(filter.typname, raw, filter.values[0]) >= 0;
    case 'in':
      return filter.values.some((v) => compare(filter.typname, raw, v) === 0);
  }
}

/** Both sides are canonical text of the same type (and the same UTC session time zone). */
function compare(typname: string, a: string, b: string): number {
  if (a === b) return 0;
  if (NUMERIC.has(typname)) return Math.sign(Number(a) - Number(b));
  if (TEMPORAL.has(typname)) {
    const [ka, kb] = [timestampKey(a), timestampKey(b)];
    if (ka && kb) return ka[0] !== kb[0] ? Math.sign(ka[0] - kb[0]) : ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0;
  }
  return a < b ? -1 : 1;
}
