/**
 * What the realtime service needs to know about tables and roles, read from the system
 * catalogs and cached: column types (pg_type.typname), primary keys, whether RLS is on, which
 * tables the publication carries, which columns a role may SELECT, and whether a role
 * bypasses RLS. Relation caches are dropped when the replication stream re-describes a table.
 */
import type pg from 'pg';

export interface TableColumn {
  name: string;
  typname: string;
  /** format_type() text, safe to splice into SQL casts (it comes from the catalog). */
  sqlType: string;
}

export interface TableInfo {
  oid: number;
  schema: string;
  table: string;
  rls: boolean;
  columns: TableColumn[];
  primaryKey: string[];
}

export interface PublishedTable {
  schema: string;
  table: string;
  actions: { INSERT: boolean; UPDATE: boolean; DELETE: boolean };
}

/** Grants can change without the stream noticing; privileges are re-read after this long. */
const PRIVILEGE_TTL_MS = 5_000;

export class Catalog {
  private tables = new Map<number, Promise<TableInfo | null>>();
  private selectable = new Map<string, { at: number; columns: Promise<Set<string>> }>();
  private bypass = new Map<string, { at: number; value: Promise<boolean> }>();

  constructor(private pool: pg.Pool, private publication: string) {}

  invalidate(oid: number): void {
    this.tables.delete(oid);
    for (const key of this.selectable.keys()) if (key.endsWith(`:${oid}`)) this.selectable.delete(key);
  }

  table(oid: number): Promise<TableInfo | null> {
    let info = this.tables.get(oid);
    if (!info) {
      info = this.loadTable(oid);
      info.catch(() => this.tables.delete(oid));
      this.tables.set(oid, info);
    }
    return info;
  }

  async tableOid(schema: string, table: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ oid: number }>(
      `select c.oid::int as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
      [schema, table],
    );
    return rows[0]?.oid ?? null;
  }

  /** Tables in the publication right now (joins are rare; no cache). */
  async publishedTables(): Promise<PublishedTable[]> {
    const { rows } = await this.pool.query<{ schema: string; table: string; ins: boolean; upd: boolean; del: boolean }>(
      `select t.schemaname as schema, t.tablename as table, p.pubinsert as ins, p.pubupdate as upd, p.pubdelete as del
         from pg_publication_tables t join pg_publication p on p.pubname = t.pubname
        where t.pubname = $1`,
      [this.publication],
    );
    return rows.map((r) => ({ schema: r.schema, table: r.table, actions: { INSERT: r.ins, UPDATE: r.upd, DELETE: r.del } }));
  }

  /** Columns `role` may SELECT; empty when the role does not exist. */
  selectableColumns(role: string, oid: number): Promise<Set<string>> {
    const key = `${role}:${oid}`;
    const cached = this.selectable.get(key);
    if (cached && Date.now() - cached.at < PRIVILEGE_TTL_MS) return cached.columns;
    const columns = this.loadSelectable(role, oid);
    columns.catch(() => this.selectable.delete(key));
    this.selectable.set(key, { at: Date.now(), columns });
    return columns;
  }

  /** Superusers and BYPASSRLS roles (service_role) see every row. */
  bypassesRls(role: string): Promise<boolean> {
    const cached = this.bypass.get(role);
    if (cached && Date.now() - cached.at < PRIVILEGE_TTL_MS) return cached.value;
    const value = this.pool
      .query<{ bypass: boolean }>('select rolbypassrls or rolsuper as bypass from pg_roles where rolname = $1', [role])
      .then(({ rows }) => rows[0]?.bypass ?? false);
    value.catch(() => this.bypass.delete(role));
    this.bypass.set(role, { at: Date.now(), value });
    return value;
  }

  private async loadTable(oid: number): Promise<TableInfo | null> {
    const { rows: tables } = await this.pool.query<{ schema: string; table: string; rls: boolean }>(
      `select n.nspname as schema, c.relname as table, c.relrowsecurity as rls
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = $1`,
      [oid],
    );
    const table = tables[0];
    if (!table) return null;
    const { rows: columns } = await this.pool.query<{ name: string; typname: string; sql_type: string; pk: boolean }>(
      `select a.attname as name, t.typname, format_type(a.atttypid, a.atttypmod) as sql_type,
              exists (select 1 from pg_index i where i.indrelid = a.attrelid and i.indisprimary
                       and a.attnum = any(i.indkey)) as pk
         from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [oid],
    );
    return {
      oid,
      ...table,
      columns: columns.map((c) => ({ name: c.name, typname: c.typname, sqlType: c.sql_type })),
      primaryKey: columns.filter((c) => c.pk).map((c) => c.name),
    };
  }

  private async loadSelectable(role: string, oid: number): Promise<Set<string>> {
    const exists = await this.pool.query('select 1 from pg_roles where rolname = $1', [role]);
    if (exists.rowCount === 0) return new Set();
    const { rows } = await this.pool.query<{ name: string }>(
      `select a.attname as name from pg_attribute a
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
          and has_column_privilege($2, a.attrelid, a.attnum, 'SELECT')
        order by a.attnum`,
      [oid, role],
    );
    return new Set(rows.map((r) => r.name));
  }
}
