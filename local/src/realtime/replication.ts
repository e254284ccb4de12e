/**
 * The change source: logical replication of the `supabase_realtime` publication (and of
 * `realtime.messages`, for broadcast from the database) with pgoutput.
 *
 * One permanent slot per service (named after the database; slot names are cluster-wide) so
 * that a Postgres restart does not lose changes: the stream resumes from the slot's confirmed
 * position, and a commit is acknowledged only after `onTransaction` has dispatched it. Commits
 * already dispatched are skipped on resume, so nothing is delivered twice.
 */
import { PgoutputPlugin, type LogicalReplicationService, type Pgoutput } from 'pg-logical-replication';
import type pg from 'pg';
import { newReplicationService } from './replication-service.ts';

export interface RelationInfo {
  oid: number;
  schema: string;
  table: string;
  columns: { name: string; typeOid: number }[];
}

export interface RowChange {
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  relation: RelationInfo;
  /** Column values as Postgres text output (null = SQL NULL; absent = unchanged TOAST). */
  record: Record<string, string | null> | null;
  /** Old row: all columns with REPLICA IDENTITY FULL, else the key columns, else null. */
  oldRecord: Record<string, string | null> | null;
}

export interface CommittedTransaction {
  /** Top-level transaction id (32-bit), to wait until the commit is visible to snapshots. */
  xid: number;
  commitLsn: string;
  /** `YYYY-MM-DDTHH:MM:SS.mmmZ`, as the real server formats it. */
  commitTimestamp: string;
  changes: RowChange[];
}

export interface ReplicationOptions {
  databaseUrl: string;
  /** For creating and dropping the slot (not a replication connection). */
  pool: pg.Pool;
  /** Publications to stream (the app's tables, and realtime.messages for database broadcast). */
  publications: string[];
  onTransaction(tx: CommittedTransaction): Promise<void>;
  /** A relation (re)appeared in the stream: its definition may have changed. */
  onRelation(oid: number): void;
  log(line: string): void;
}

export interface ReplicationSource {
  /** Resolves once the first replication stream is running. */
  started: Promise<void>;
  stop(): Promise<void>;
}

/** pgoutput, but every column value stays the server's text output (the library would turn
 * timestamps into Dates and lose microseconds); encoding follows in `values.ts`. */
class RawTextPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    // The parser caches this very relation object and decodes later tuples through it.
    if (message.tag === 'relation') for (const column of message.columns) column.parser = (raw: unknown) => raw;
    return message;
  }
}

export function lsnToBigInt(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

export function bigIntToLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];
/** The longest a dispatched commit waits before the server is told (a standby's default is 10 s: wal_receiver_status_interval). */
export const ACK_INTERVAL_MS = 100;

export async function startReplication(options: ReplicationOptions): Promise<ReplicationSource> {
  const admin = options.pool;
  const { rows } = await admin.query<{ db: string }>('select current_database() as db');
  const db = rows[0].db;
  const slotName = `mrprompt_realtime_${db.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`.slice(0, 63);
  await createSlot(admin, slotName);

  let stopping = false;
  let service: LogicalReplicationService | null = null;
  let generation = 0;
  let attempt = 0;
  let lastDispatched = 0n;
  let acknowledged = '0/0';
  let pending: { xid: number; commitLsn: string; commitTime: bigint; changes: RowChange[] } | null = null;
  let chain: Promise<void> = Promise.resolve();
  let resolveStarted!: () => void;
  let rejectStarted!: (error: unknown) => void;
  let everStarted = false;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  started.catch(() => {}); // reported through ready(); retries continue meanwhile

  // What is acknowledged is known at once (a restarted stream resumes from it); telling the
  // server waits up to ACK_INTERVAL_MS, so a burst's commits share one status message instead
  // of a socket write (and a walsender wake-up) each. A server that asks for a reply gets it now.
  let ackTimer: NodeJS.Timeout | null = null;
  const sendAcknowledged = () => {
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = null;
    const position = lsnToBigInt(acknowledged);
    // The library reports `lsn + 1`; the server wants exactly the position we are done with
    // (a walsender shutting down waits until the reported flush equals what it sent).
    if (position > 0n) void service?.acknowledge(bigIntToLsn(position - 1n)).catch(() => {});
  };
  const acknowledge = (lsn: string, now = false) => {
    if (lsnToBigInt(lsn) > lsnToBigInt(acknowledged)) acknowledged = lsn;
    if (now) sendAcknowledged();
    else ackTimer ??= setTimeout(sendAcknowledged, ACK_INTERVAL_MS).unref();
  };

  const handle = async (message: Pgoutput.Message) => {
    switch (message.tag) {
      case 'begin':
        pending = { xid: message.xid, commitLsn: message.commitLsn ?? '0/0', commitTime: BigInt(message.commitTime.toString()), changes: [] };
        return;
      case 'relation':
        options.onRelation(message.relationOid);
        return;
      case 'insert':
      case 'update':
      case 'delete':
        pending?.changes.push(toRowChange(message));
        return;
      case 'commit': {
        const tx = pending;
        pending = null;
        if (!tx) return;
        const commit = lsnToBigInt(message.commitLsn ?? tx.commitLsn);
        if (commit <= lastDispatched) options.log(`realtime: skipped commit ${tx.commitLsn}, already dispatched`);
        if (commit > lastDispatched && tx.changes.length > 0) {
          await options.onTransaction({
            xid: tx.xid,
            commitLsn: tx.commitLsn,
            commitTimestamp: new Date(Number(tx.commitTime / 1000n)).toISOString(),
            changes: tx.changes,
          });
        }
        if (commit > lastDispatched) lastDispatched = commit;
        if (message.commitEndLsn) acknowledge(message.commitEndLsn);
        return;
      }
      default:
        return;
    }
  };

  const connect = (): void => {
    if (stopping) return;
    const mine = ++generation;
    pending = null;
    // `chain` is kept, not started afresh: a stream that died while a commit was being
    // dispatched (the walsender ended, the connection dropped) leaves that dispatch running,
    // and this stream replays from the last acknowledged commit — that very one among them.
    // Queued after it, the replay finds it dispatched and skips it; run beside it, the same
    // changes went out twice and the commits after it overtook it.
    const current = newReplicationService(
      { connectionString: options.databaseUrl, application_name: 'mrprompt-realtime', options: '-c TimeZone=UTC' },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: false } },
    );
    service = current;
    const fail = (error: unknown) => {
      if (mine !== generation || stopping) return;
      generation++; // ignore whatever the dying stream still emits
      options.log(`realtime: replication stream failed (${error instanceof Error ? error.message : String(error)}); reconnecting`);
      void current.destroy().catch(() => {});
      // A stream that never starts (no wal_level=logical, no publication…) should fail the
      // start-up visibly instead of leaving ready() pending forever.
      if (!everStarted && attempt >= 4) rejectStarted(error);
      const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
      setTimeout(connect, delay).unref();
    };
    // Messages are handled strictly in stream order; a failed dispatch restarts the stream
    // from the last acknowledged commit instead of skipping it.
    current.on('data', (_lsn: string, message: Pgoutput.Message) => {
      if (mine !== generation) return;
      chain = chain.then(() => (mine === generation ? handle(message) : undefined)).catch(fail);
    });
    current.on('heartbeat', (lsn: string, _timestamp: number, shouldRespond: boolean) => {
      if (mine !== generation) return;
      chain = chain
        .then(() => {
          // Idle (no transaction half-received, everything before dispatched): the server's
          // position can be confirmed so the slot does not pin WAL.
          if (mine === generation && pending === null) acknowledge(lsn, shouldRespond);
          else if (shouldRespond) acknowledge(acknowledged, true);
        })
        .catch(fail);
    });
    current.on('start', () => {
      attempt = 0;
      everStarted = true;
      resolveStarted();
    });
    current.on('error', fail);
    const plugin = new RawTextPgoutputPlugin({ protoVersion: 1, publicationNames: options.publications });
    current
      .subscribe(plugin, slotName, acknowledged)
      .then(() => fail(new Error('replication stream ended')))
      .catch(fail);
  };
  connect();

  return {
    started,
    async stop() {
      stopping = true;
      generation++;
      if (ackTimer) clearTimeout(ackTimer);
      await service?.destroy().catch(() => {});
      await chain.catch(() => {});
      await dropSlot(admin, slotName, options.log);
    },
  };
}

function toRowChange(message: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete): RowChange {
  const relation: RelationInfo = {
    oid: message.relation.relationOid,
    schema: message.relation.schema,
    table: message.relation.name,
    columns: message.relation.columns.map((c) => ({ name: c.name, typeOid: c.typeOid })),
  };
  if (message.tag === 'insert') return { type: 'INSERT', relation, record: message.new, oldRecord: null };
  if (message.tag === 'update') return { type: 'UPDATE', relation, record: message.new, oldRecord: message.old ?? message.key };
  return { type: 'DELETE', relation, record: null, oldRecord: message.old ?? message.key };
}

/** A leftover slot of a crashed run would pin WAL forever and replay changes nobody asked
 * for: replace it. A slot in use belongs to another running service on this database. */
async function createSlot(admin: pg.Pool, slotName: string): Promise<void> {
  const { rows: existing } = await admin.query<{ active: boolean }>(
    'select active from pg_replication_slots where slot_name = $1',
    [slotName],
  );
  if (existing[0]?.active) {
    throw new Error(`replication slot ${slotName} is in use: is another realtime service running on this database?`);
  }
  if (existing.length > 0) await admin.query('select pg_drop_replication_slot($1)', [slotName]);
  await admin.query(`select pg_create_logical_replication_slot($1, 'pgoutput')`, [slotName]);
}

/** The walsender releases the slot a moment after its connection closes. */
async function dropSlot(admin: pg.Pool, slotName: string, log: (line: string) => void): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const { rows } = await admin.query<{ active_pid: number | null }>(
        'select active_pid from pg_replication_slots where slot_name = $1',
        [slotName],
      );
      if (rows.length === 0) return;
      if (rows[0].active_pid !== null) {
        await admin.query('select pg_terminate_backend($1)', [rows[0].active_pid]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      await admin.query('select pg_drop_replication_slot($1)', [slotName]);
      return;
    } catch (error) {
      if (attempt === 49) log(`realtime: could not drop replication slot ${slotName}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
