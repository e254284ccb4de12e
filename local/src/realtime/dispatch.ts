/**
 * Turns committed row changes into `postgres_changes` events for the joined channels,
 * applying the hosted server's rules (https://supabase.com/docs/guides/realtime/postgres-changes): bindings and filters pick the channels, column privileges shape
 * the payload, INSERT/UPDATE pass the subscriber's RLS check, DELETE is never RLS-checked but
 * carries only the key of an RLS table and is matched against filters on that key alone. A
 * whole transaction is evaluated before anything is sent, so a failed check (database gone)
 * can be retried without duplicates.
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
    for (const send of outbox) send();
  };

  async function eventsFor(change: RowChange, table: TableInfo, tx: CommittedTransaction): Promise<(() => void)[]> {
    // A DELETE is never RLS-checked, so on an RLS table it may only be matched on what every
    // subscriber receives anyway, the primary key: a filter on any other column would tell a
    // stranger whether a guess matched the deleted row (replica identity full keeps them all).
    // Hosted Realtime matches DELETE filters against the replica identity columns, which are the
    // key alone unless the table is REPLICA IDENTITY FULL.
    const filterRow =
      change.type !== 'DELETE' ? change.record : table.rls ? pick(change.oldRecord ?? {}, table.primaryKey) : change.oldRecord;
    const matched: { subscriber: ChangeSubscriber; ids: number[]; viewer: Viewer }[] = [];
    for (const subscriber of subscribers()) {
      const ids = subscriber.bindings
        .filter((b) => (b.schema === '*' || b.schema === table.schema) && (b.table === null || b.table === table.table))
        .filter((b) => b.event === '*' || b.event === change.type)
        .filter((b) => !b.filter || matchesFilter(b.filter, filterRow))
        .map((b) => b.id);
      if (ids.length > 0) matched.push({ subscriber, ids, viewer: subscriber.viewer() });
    }
    if (matched.length === 0) return [];

    const record = change.record ? withUnchangedToast(change.record, change.oldRecord) : null;
    const oldRecord = change.type === 'UPDATE' && !change.oldRecord && record ? pick(record, table.primaryKey) : change.oldRecord;
    const base = { schema: table.schema, table: table.table, commit_timestamp: tx.commitTimestamp, type: change.type };

    const prepared = await Promise.all(
      matched.map(async (m) => {
        const selectable = await catalog.selectableColumns(m.viewer.role, table.oid);
        let error: string | null = null;
        if (table.primaryKey.length === 0 && change.type !== 'DELETE') error = 'Error 400: Bad Request, no primary key';
        else if (!table.primaryKey.every((c) => selectable.has(c))) error = 'Error 401: Unauthorized';
        const needsRls =
          error === null && change.type !== 'DELETE' && table.rls && !(await catalog.bypassesRls(m.viewer.role));
        return { ...m, selectable, error, needsRls };
      }),
    );

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
