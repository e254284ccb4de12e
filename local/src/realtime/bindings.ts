/**
 * The `postgres_changes` entries of a join (https://supabase.com/docs/guides/realtime/protocol): each is echoed back with an
 * integer id in the same order, then resolved against the publication and the catalog.
 * Entries that cannot be subscribed to are reported (as `system` errors) and left out.
 *
 * A filter may only name a column the joining role may select, as hosted's
 * `realtime.subscription_check_filters` trigger requires (priv/repo/tenant_schema/realtime/
 * functions/subscription_check_filters.sql: `invalid column for filter`): a filter on another
 * column would tell the subscriber which rows hold which values there.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { Catalog } from './catalog.ts';
import { FilterError, parseFilter, resolveFilter, type Filter, type ParsedFilter } from './filters.ts';

export type ChangeEvent = 'INSERT' | 'UPDATE' | 'DELETE';

export interface Binding {
  id: number;
  event: ChangeEvent | '*';
  schema: string;
  /** null: every published table of the schema. */
  table: string | null;
  filter: Filter | null;
}

const entrySchema = z.object({
  event: z.string().transform((e) => e.toUpperCase()).pipe(z.enum(['*', 'INSERT', 'UPDATE', 'DELETE'])),
  schema: z.string().min(1).optional(),
  table: z.string().min(1).optional(),
  filter: z.string().optional(),
});

/** An integer that is the same for the same params, like the real server's phash2. */
export function bindingId(params: Record<string, unknown>): number {
  const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
  return createHash('sha256').update(canonical).digest().readUInt32BE(0) & 0x7ffffff;
}

/** The join reply's `postgres_changes`: the client's maps with `id` added, in order. */
export function echoBindings(entries: Record<string, unknown>[]): Record<string, unknown>[] {
  return entries.map((params) => ({ ...params, id: bindingId(params) }));
}

export interface ResolvedBindings {
  bindings: Binding[];
  errors: string[];
}

export async function resolveBindings(pool: pg.Pool, catalog: Catalog, role: string, entries: Record<string, unknown>[]): Promise<ResolvedBindings> {
  const bindings: Binding[] = [];
  const errors: string[] = [];
  if (entries.length === 0) return { bindings, errors };
  const published = await catalog.publishedTables();
  for (const params of entries) {
    const parsed = entrySchema.safeParse(params);
    if (!parsed.success) {
      errors.push(`Unable to subscribe to changes with given parameters. Invalid parameters: ${JSON.stringify(params)}`);
      continue;
    }
    // Missing table means every table; missing schema with a table means public, as realtime-js sends them.
    const table = parsed.data.table && parsed.data.table !== '*' ? parsed.data.table : null;
    const schema = parsed.data.schema ?? 'public';
    const inPublication = published.some((p) => (schema === '*' || p.schema === schema) && (table === null || p.table === table));
    if (!inPublication) {
      errors.push(
        `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${describe(parsed.data)}]`,
      );
      continue;
    }
    let filter: Filter | null = null;
    const filterText = parsed.data.filter?.trim();
    if (filterText) {
      try {
        if (table === null || schema === '*') throw new FilterError('Error parsing `filter` params: a filter needs a table');
        const oid = await catalog.tableOid(schema, table);
        const info = oid === null ? null : await catalog.table(oid);
        if (!info) throw new FilterError(`Unable to subscribe to changes: ${schema}.${table} does not exist`);
        const condition = parseFilter(filterText);
        if (info.columns.some((c) => c.name === condition.column) && !(await catalog.selectableColumns(role, info.oid)).has(condition.column)) {
          throw new FilterError(unselectableColumn(condition, parsed.data.event, schema, table));
        }
        filter = await resolveFilter(pool, info, condition);
      } catch (error) {
        if (!(error instanceof FilterError)) throw error;
        errors.push(error.message);
        continue;
      }
    }
    bindings.push({ id: bindingId(params), event: parsed.data.event, schema, table, filter });
  }
  return { bindings, errors };
}

/** Hosted's wording: Subscriptions.create's rollback message around the trigger's exception
 * (lib/extensions/postgres_cdc_rls/subscriptions.ex), its parameters as Elixir prints them. */
function unselectableColumn(filter: ParsedFilter, event: string, schema: string, table: string): string {
  const value = filter.op === 'in' ? `{${filter.values.join(',')}}` : filter.values[0];
  const tuple = `{${[filter.column, filter.op, value].map((v) => JSON.stringify(v)).join(', ')}, false}`;
  return (
    'Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: ' +
    `[event: ${event}, schema: ${schema}, table: ${table}, filters: [${tuple}], select: nil]. ` +
    `Exception: ERROR P0001 (raise_exception) invalid column for filter ${filter.column}`
  );
}

function describe(entry: z.infer<typeof entrySchema>): string {
  return Object.entries(entry)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}
