/**
 * Turns committed row changes into `postgres_changes` events for the joined channels,
 * applying the hosted server's rules (https://supabase.com/docs/guides/realtime/postgres-changes): bindings pick the channels, column privileges shape
 * the payload, INSERT/UPDATE pass the subscriber's RLS check, DELETE is never RLS-checked but
 * carries only the key of an RLS table and is matched against filters on that key alone. A
 * whole transaction is evaluated before anything is sent, so a failed check (database gone)
 * can be retried without duplicates.
 *
 * What a subscriber may learn is settled before any filter is looked at, as hosted's
 * `realtime.apply_rls` does (lib/realtime/tenants/repo/migrations/
 * 20260709120000_fix_apply_rls_filter_role_leak.ex): a role that may not select the table's
 * key gets `Error 401: Unauthorized` (a table without one, `Error 400`) on every binding it
 * has for that table and event, whatever their filters; filters are evaluated only for roles
 * past that check, and on columns the role may select (a filter on another column, refused at
 * join, never matches after a token change either). So a filter never tells a subscriber
 * something about a row it may not read.
 */
import type pg from 'pg';
import type { Binding } from './bindings.ts';
import type { Catalog, TableInfo } from './catalog.ts';
import { matchesFilter } from './filters.ts';
import type { CommittedTransaction, RowChange } from './replication.ts';
import { toJsonValue } from './values.ts';
import { checkVisibility, type Viewer } from './visibility.ts';

/** What dispatch needs to know about a joined channel. */
export interface ChangeSubscriber {
  topic: string;
  bindings: Binding[];
  viewer(): Viewer;
  sendChange(payload: { ids: number[]; data: Record<string, unknown> }): void;
}

type Row = Record<string, string | null>;

export function createDispatcher(
  pool: pg.Pool,
  catalog: Catalog,
  subscribers: () => Iterable<ChangeSubscriber>,
  log: (line: string) => void = () => {},
) {
  return async function dispatch(tx: CommittedTransaction): Promise<void> {
    const outbox: (() => void)[] = [];
    for (const change of tx.changes) {
      const table = await catalog.table(change.relation.oid);
      if (!table) continue;
      outbox.push(...(await eventsFor(change, table, tx)));
    }
    for (const send of outbox) {
      // One subscriber's frame failing (it cannot be encoded) must not keep it from the others.
      try {
        send();
      } catch (error) {
        log(`realtime: a change was not sent to one subscriber: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  async function eventsFor(change: RowChange, table: TableInfo, tx: CommittedTransaction): Promise<(() => void)[]> {
    // Who has a binding for this table and event at all, before any filter.
    const candidates: { subscriber: ChangeSubscriber; bindings: Binding[]; viewer: Viewer }[] = [];
    for (const subscriber of subscribers()) {
      let bindings: Binding[] | null = null;
      for (const b of subscriber.bindings) {
        if ((b.schema === '*' || b.schema === table.schema) && (b.table === null || b.table === table.table) && (b.event === '*' || b.event === change.type)) {
          (bindings ??= []).push(b);
        }
      }
      if (bindings) candidates.push({ subscriber, bindings, viewer: subscriber.viewer() });
    }
    if (candidates.length === 0) return [];

    // What each role may see of this table, once per role (hosted: per claims_role).
    const roles = [...new Set(candidates.map((c) => c.viewer.role))];
    const accessByRole = new Map((await Promise.all(roles.map((role) => roleAccess(role, table, change.type)))).map((a, i) => [roles[i]!, a]));
    // A DELETE is never RLS-checked, so on an RLS table it may only be matched on what every
    // subscriber receives anyway, the primary key: a filter on any other column would tell a
    // stranger whether a guess matched the deleted row (replica identity full keeps them all).
    // Hosted Realtime matches DELETE filters against the replica identity columns, which are the
    // key alone unless the table is REPLICA IDENTITY FULL.
    const filterRow =
      change.type !== 'DELETE' ? change.record : table.rls ? pick(change.oldRecord ?? {}, table.primaryKey) : change.oldRecord;
    const prepared: { subscriber: ChangeSubscriber; ids: number[]; viewer: Viewer; selectable: Set<string>; error: string | null; needsRls: boolean }[] = [];
    for (const c of candidates) {
      const { selectable, error, needsRls } = accessByRole.get(c.viewer.role)!;
      // The error goes to every binding of the table and event: which filters matched is not said.
      const ids = error
        ? c.bindings.map((b) => b.id)
        : c.bindings.filter((b) => !b.filter || (selectable.has(b.filter.column) && matchesFilter(b.filter, filterRow))).map((b) => b.id);
      if (ids.length > 0) prepared.push({ subscriber: c.subscriber, ids, viewer: c.viewer, selectable, error, needsRls });
    }
    if (prepared.length === 0) return [];

    const record = change.record ? withUnchangedToast(change.record, change.oldRecord) : null;
    const oldRecord = change.type === 'UPDATE' && !change.oldRecord && record ? pick(record, table.primaryKey) : change.oldRecord;
    const base = { schema: table.schema, table: table.table, commit_timestamp: tx.commitTimestamp, type: change.type };

    const toCheck = prepared.filter((p) => p.needsRls);
    const key = table.primaryKey.map((c) => record?.[c] ?? null);
    const visible = await checkVisibility(pool, table, key, toCheck.map((p) => p.viewer), tx.xid, log);
    const hidden = new Set(toCheck.filter((_, i) => !visible[i]));

    // The payload depends only on the columns a subscriber may select: subscribers of one role
    // (the same cached set) share one, encoded once.
    const payloads = new Map<Set<string>, Record<string, unknown>>();
    const payloadFor = (selectable: Set<string>) => {
      let data = payloads.get(selectable);
      if (data) return data;
      const columns = table.columns.filter((c) => selectable.has(c.name));
      const encode = (row: Row, only: (name: string) => boolean) =>
        Object.fromEntries(
          columns.filter((c) => only(c.name) && row[c.name] !== undefined).map((c) => [c.name, toJsonValue(row[c.name], c.typname)]),
        );
      data = { ...base, columns: columns.map((c) => ({ name: c.name, type: c.typname })), errors: null };
      if (record) data.record = encode(record, () => true);
      if (oldRecord && change.type !== 'INSERT') {
        // An RLS table's DELETE goes to subscribers who may no longer see the row: key only.
        const keyOnly = change.type === 'DELETE' && table.rls;
        data.old_record = encode(oldRecord, (name) => !keyOnly || table.primaryKey.includes(name));
      } else if (change.type !== 'INSERT') {
        data.old_record = {};
      }
      payloads.set(selectable, data);
      return data;
    };

    return prepared
      .filter((p) => !hidden.has(p))
      .map((p) => {
        const data = p.error ? { ...base, errors: [p.error] } : payloadFor(p.selectable);
        return () => p.subscriber.sendChange({ ids: p.ids, data });
      });
  }

  /** The role's columns, and whether it gets an error instead of rows or needs the RLS check. */
  async function roleAccess(role: string, table: TableInfo, type: RowChange['type']): Promise<RoleAccess> {
    const selectable = await catalog.selectableColumns(role, table.oid);
    let error: string | null = null;
    if (table.primaryKey.length === 0 && type !== 'DELETE') error = 'Error 400: Bad Request, no primary key';
    else if (!table.primaryKey.every((c) => selectable.has(c))) error = 'Error 401: Unauthorized';
    const needsRls = error === null && type !== 'DELETE' && table.rls && !(await catalog.bypassesRls(role));
    return { selectable, error, needsRls };
  }
}

interface RoleAccess {
  selectable: Set<string>;
  error: string | null;
  needsRls: boolean;
}

/** pgoutput leaves unchanged TOASTed values out of an UPDATE's new row; the old row has them. */
function withUnchangedToast(record: Row, old: Row | null): Row {
  if (!old) return record;
  const filled: Row = { ...record };
  for (const [name, value] of Object.entries(old)) if (filled[name] === undefined) filled[name] = value;
  return filled;
}

function pick(row: Row, names: string[]): Row {
  return Object.fromEntries(names.filter((n) => n in row).map((n) => [n, row[n]]));
}
