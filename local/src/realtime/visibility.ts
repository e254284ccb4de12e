/**
 * The RLS check hosted Realtime makes (https://supabase.com/docs/guides/realtime/postgres-changes#private-schemas-and-row-level-security): an INSERT/UPDATE reaches a subscriber only if, as
 * that subscriber (`role` and `request.jwt.claims` set transaction-locally), the row is
 * visible right now: `select exists(select 1 from <table> where <pk> = <values>)`.
 * Subscribers with the same role and claims (one user's tabs and devices on one token) are
 * checked once: the same settings in the same transaction see the same rows. The distinct ones
 * are checked in one transaction and round trip per connection, spread over a few of the
 * pool's connections when there are many (a group chat's members).
 */
import pg from 'pg';
import type { TableInfo } from './catalog.ts';
import { isQueryError } from './errors.ts';
import { checkOut } from './pool-client.ts';

/** Names this process's prepared checks apart (a failed batch's is deallocated on its own). */
let prepared = 0;

export interface Viewer {
  role: string;
  claims: Record<string, unknown>;
}

/**
 * Returns, per viewer, whether the row with these key values is visible to them. `log` hears
 * when the row's transaction still counted as in progress after the wait (awaitVisible): the
 * row is then hidden from every viewer of this check, which would otherwise go unsaid; and
 * when a viewer's own check was refused, so that the row is hidden from that viewer.
 */
export async function checkVisibility(
  pool: pg.Pool,
  table: TableInfo,
  key: (string | null)[],
  viewers: Viewer[],
  xid: number,
  log: (line: string) => void = () => {},
): Promise<boolean[]> {
  if (viewers.length === 0) return [];
  if (!Number.isSafeInteger(xid) || xid < 0) throw new Error('invalid transaction id');
  const where = table.primaryKey
    .map((name, i) => {
      const column = table.columns.find((c) => c.name === name);
      const value = key[i] === null ? 'null' : pg.escapeLiteral(key[i] ?? '');
      // Types come from the catalog (format_type); identifiers and values are escaped.
      return `${pg.escapeIdentifier(name)} = ${value}::${column?.sqlType ?? 'text'}`;
    })
    .join(' and ');
  const exists = `select exists(select 1 from ${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.table)} where ${where}) as visible`;
  const settings = (viewer: Viewer) =>
    `select set_config('role', ${pg.escapeLiteral(viewer.role)}, true), ` +
    `set_config('request.jwt.claims', ${pg.escapeLiteral(JSON.stringify(viewer.claims))}, true);`;
  // One round trip: a simple-protocol batch in one transaction, so role and claims stay local.
  // The check is prepared once, as the first viewer, and executed for each: parsed, rewritten
  // with the role's policies and planned once, not once per viewer. Postgres plans it again
  // for a viewer of another role (a cached plan depends on the role its policies were applied
  // for; https://www.postgresql.org/docs/current/sql-prepare.html); auth.uid() and the other
  // claim readers run at execution.
  const run = async (group: Viewer[]): Promise<boolean[]> => {
    const { client, release } = await checkOut(pool);
    const name = `realtime_visible_${++prepared}`;
    let broken: Error | undefined;
    const onNotice = (notice: { message?: string }) => {
      if (notice.message?.startsWith(STILL_IN_PROGRESS)) log(`${notice.message} (for ${group.length === 1 ? 'one set' : `${group.length} sets`} of subscriber claims)`);
    };
    client.on('notice', onNotice);
    try {
      const checks = group.map((viewer, i) => `${settings(viewer)}\n${i === 0 ? `prepare ${name} as ${exists};\n` : ''}execute ${name};`);
      const results: unknown = await client.query(`${awaitVisible(xid)}\nbegin;\n${checks.join('\n')}\ncommit;\ndeallocate ${name};`);
      return readResults(results, group.length);
    } catch (error) {
      if (isQueryError(error)) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        // Prepared statements are the session's, whatever became of the transaction; absent
        // when the batch failed before preparing it.
        await client.query(`deallocate ${name}`).catch((e: Error) => {
          if (!isQueryError(e)) broken = e;
        });
      } else {
        broken = error instanceof Error ? error : new Error(String(error));
      }
      throw error;
    } finally {
      client.off('notice', onNotice);
      release(broken);
    }
  };
  const checkAll = async (group: Viewer[]): Promise<boolean[]> => {
    try {
      return await run(group);
    } catch (error) {
      if (!isQueryError(error)) throw error;
      // One viewer's bad role or missing privilege must not hide the row from the others.
      const results: boolean[] = [];
      for (const viewer of group) {
        try {
          results.push((await run([viewer]))[0]);
        } catch (single) {
          if (!isQueryError(single)) throw single;
          // Hidden from this viewer: the server refused its check (an unknown role, a policy that
          // raises). Said in the log, which is all that tells a missing change from a hidden one.
          log(`realtime: a row of ${table.schema}.${table.table} was hidden from subscribers of role ${viewer.role}: their RLS check failed (${describeRefusal(single)})`);
          results.push(false);
        }
      }
      return results;
    }
  };
  const { unique, slots } = distinct(viewers);
  const visible = (await Promise.all(batches(unique, parallelism(pool)).map(checkAll))).flat();
  return slots.map((slot) => visible[slot] ?? false);
}

/** The server's code and message, never the claims the check ran with. */
function describeRefusal(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
  return `${code}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Fewer distinct viewers than this are checked on one connection: a round trip costs more. */
const MIN_BATCH = 16;

/**
 * Connections one change's check may use at once: all of the pool's but one, left for joins and
 * the other queries of the socket server. Each distinct viewer costs a policy evaluation of its
 * own (the messages policy's session and two-factor functions, in the membership subquery too,
 * about 0.5 ms each), so 100 members of a group chat took ~50 ms on one connection; split over
 * three backends, Postgres runs them on every core.
 */
function parallelism(pool: pg.Pool): number {
  return Math.max(1, (pool.options.max ?? 10) - 1);
}

/** Splits viewers into at most `count` batches of at least MIN_BATCH each, in order. */
function batches(viewers: Viewer[], count: number): Viewer[][] {
  const n = Math.max(1, Math.min(count, Math.floor(viewers.length / MIN_BATCH)));
  const size = Math.ceil(viewers.length / n);
  const list: Viewer[][] = [];
  for (let i = 0; i < viewers.length; i += size) list.push(viewers.slice(i, i + size));
  return list;
}

/** Viewers with the same role and claims, once each, and where each viewer's answer is. */
function distinct(viewers: Viewer[]): { unique: Viewer[]; slots: number[] } {
  const seen = new Map<string, number>();
  const unique: Viewer[] = [];
  const slots = viewers.map((viewer) => {
    // The exact text set_config receives: equal text, equal settings.
    const id = `${viewer.role}\n${JSON.stringify(viewer.claims)}`;
    let slot = seen.get(id);
    if (slot === undefined) {
      slot = unique.push(viewer) - 1;
      seen.set(id, slot);
    }
    return slot;
  });
  return { unique, slots };
}

/**
 * The walsender can send a commit before the committing backend has left the proc array, so a
 * snapshot taken right away may not see the row yet (the check would wrongly say "hidden").
 * Wait, briefly and in the same round trip, until the transaction no longer counts as in
 * progress. The 32-bit xid from pgoutput is widened with the epoch that puts it nearest the
 * snapshot's xmax (a running transaction's xid may be above xmax: it was taken later than the
 * oldest one still running).
 */
function awaitVisible(xid: number): string {
  return `do $$
declare
  next numeric := pg_snapshot_xmax(pg_current_snapshot())::text::numeric;
  x numeric := ${xid};
  -- The epoch whose xid is nearest to next, in either direction: xmax is only the latest
  -- completed xid + 1, so a transaction still running may have an xid above it.
  full_xid xid8 := ((floor(next / 4294967296) + case
      when x - mod(next, 4294967296) > 2147483648 then -1
      when mod(next, 4294967296) - x > 2147483648 then 1
      else 0 end) * 4294967296 + x)::text::xid8;
  started timestamptz := clock_timestamp();
begin
  for i in 1..2000 loop
    exit when pg_xact_status(full_xid) is distinct from 'in progress';
    perform pg_sleep(0.0005);
  end loop;
  if pg_xact_status(full_xid) = 'in progress' then
    raise warning '${STILL_IN_PROGRESS} % was still in progress % ms after the stream delivered its commit: its row was checked as hidden',
      x, round(extract(epoch from clock_timestamp() - started) * 1000);
  end if;
end $$;`;
}

/** How the wait's warning begins (no quote: it is spliced into the SQL above). */
const STILL_IN_PROGRESS = 'realtime: transaction';

/** Results come as [do, begin, set_config, prepare, execute, (set_config, execute) × (n - 1), commit, deallocate]. */
function readResults(results: unknown, count: number): boolean[] {
  const list = Array.isArray(results) ? results : [];
  const visible: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const result: unknown = list[4 + i * 2];
    const rows: unknown = typeof result === 'object' && result !== null && 'rows' in result ? result.rows : [];
    const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
    visible.push(typeof first === 'object' && first !== null && 'visible' in first && first.visible === true);
  }
  return visible;
}
