/**
 * Private-channel authorisation as hosted Realtime does it (supabase/realtime
 * `Realtime.Tenants.Authorization`; docs: https://supabase.com/docs/guides/realtime/authorization):
 * RLS policies on `realtime.messages` decide, evaluated with the caller's JWT claims, its
 * role, and `realtime.topic` set to the channel's topic (without the `realtime:` prefix).
 *
 * - read: probe rows (one per extension) are inserted by the service itself, then selected
 *   as the caller; the rows the caller sees are the extensions it may read. Rolled back.
 * - write: the caller inserts a probe row per extension under a savepoint; a refused insert
 *   (42501, RLS violation) means no write. Rolled back.
 *
 * Checked once at join (and when the access token changes), never per message. A role past
 * every policy (the service role) is granted without the probe (`readsPastPolicies`).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { checkOut } from './pool-client.ts';

export type Extension = 'broadcast' | 'presence';

export interface AuthorizationContext {
  /** The channel topic as policies see it: `session:1`, not `realtime:session:1`. */
  topic: string;
  role: string;
  claims: Record<string, unknown>;
}

export type Permissions = Partial<Record<Extension, boolean>>;

/** The connection settings hosted Realtime sets before a policy check (`set_conn_config`). */
async function setConnConfig(client: pg.PoolClient, context: AuthorizationContext): Promise<void> {
  await client.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
            set_config('request.jwt.claim.role', $1, true), set_config('request.headers', '{}', true)`,
    [context.role, context.topic, JSON.stringify(context.claims), typeof context.claims.sub === 'string' ? context.claims.sub : ''],
  );
}

export async function inRolledBackTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  let broken: unknown;
  try {
    await client.query('begin');
    try {
      return await work(client);
    } finally {
      await client.query('rollback').catch((error: unknown) => { broken = error; });
    }
  } finally {
    release(broken);
  }
}

/**
 * Which of `extensions` the caller may read on the topic (RLS `select` policies). A role that
 * reads past every policy (the service role, which the api function joins each answer's
 * channel with) would see every probe row: granted without the probe transaction, which cost
 * five statements (one an insert into the partitioned table) per answer's join.
 */
export async function authorizeRead(pool: pg.Pool, context: AuthorizationContext, extensions: Extension[]): Promise<Permissions> {
  if (await readsPastPolicies(pool, context.role)) return Object.fromEntries(extensions.map((extension) => [extension, true]));
  return inRolledBackTransaction(pool, async (client) => {
    const probes = extensions.map((extension) => ({ extension, id: randomUUID() }));
    for (const probe of probes) {
      await client.query('insert into realtime.messages (id, topic, extension) values ($1, $2, $3)', [probe.id, context.topic, probe.extension]);
    }
    await setConnConfig(client, context);
    const { rows } = await client.query<{ id: string }>('select id from realtime.messages where id = any($1::uuid[])', [probes.map((p) => p.id)]);
    const seen = new Set(rows.map((r) => r.id));
    return Object.fromEntries(probes.map((p) => [p.extension, seen.has(p.id)]));
  });
}

/** Which of `extensions` the caller may write on the topic (RLS `insert` policies). */
export async function authorizeWrite(pool: pg.Pool, context: AuthorizationContext, extensions: Extension[]): Promise<Permissions> {
  return inRolledBackTransaction(pool, async (client) => {
    await setConnConfig(client, context);
    const result: Permissions = {};
    for (const extension of extensions) {
      await client.query('savepoint probe');
      try {
        await client.query('insert into realtime.messages (topic, extension) values ($1, $2)', [context.topic, extension]);
        result[extension] = true;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        result[extension] = false;
      }
      await client.query('rollback to savepoint probe');
    }
    return result;
  });
}

const BYPASS_TTL_MS = 60_000;
type Privilege = 'select' | 'insert';
const bypassCache = new WeakMap<pg.Pool, Map<string, { at: number; value: Promise<boolean> }>>();

/**
 * True for a role that no policy can refuse `privilege` on realtime.messages: BYPASSRLS or
 * superuser, with the schema's and the table's privileges (https://www.postgresql.org/docs/current/ddl-rowsecurity.html:
 * "Superusers and roles with the BYPASSRLS attribute always bypass the row security system").
 * Cached per role and privilege for a minute.
 */
function passesPolicies(pool: pg.Pool, role: string, privilege: Privilege): Promise<boolean> {
  let roles = bypassCache.get(pool);
  if (!roles) bypassCache.set(pool, (roles = new Map()));
  const key = `${privilege} ${role}`;
  const cached = roles.get(key);
  if (cached && Date.now() - cached.at < BYPASS_TTL_MS) return cached.value;
  const value = pool
    .query<{ ok: boolean }>(
      `select (r.rolbypassrls or r.rolsuper) and has_schema_privilege(r.oid, 'realtime', 'usage')
              and has_table_privilege(r.oid, 'realtime.messages', $2) as ok
         from pg_roles r where r.rolname = $1`,
      [role, privilege],
    )
    .then(({ rows }) => rows[0]?.ok === true);
  value.catch(() => roles.delete(key));
  roles.set(key, { at: Date.now(), value });
  return value;
}

/** The service role's write probe would always succeed: the REST path skips the transaction. */
export function writesPastPolicies(pool: pg.Pool, role: string): Promise<boolean> {
  return passesPolicies(pool, role, 'insert');
}

/** The service role's read probe would always see its rows: joins skip the transaction. */
export function readsPastPolicies(pool: pg.Pool, role: string): Promise<boolean> {
  return passesPolicies(pool, role, 'select');
}

/**
 * An error raised by a policy (or its functions) while checking: a Postgres SQLSTATE that says
 * something about the policy, not about the database's state at that moment. Hosted counts
 * these as a refusal (RlsPolicyError → Unauthorized). The database could not be asked — the
 * check is to be made again, and a joined channel stays open — on the passing conditions
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html): a lost connection (08), a
 * rolled-back transaction such as a deadlock or serialization failure (40), insufficient
 * resources such as too many connections (53), a lock or a statement that timed out (55P03,
 * 57014, and the rest of class 57: shutdown, crash), a system error (58).
 */
export function isPolicyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|40|53|57|58)|^55P03$/.test(code);
}

/** `realtime:session:1` → `session:1`: the name policies and REST callers use. */
export function subTopic(topic: string): string {
  return topic.startsWith('realtime:') ? topic.slice('realtime:'.length) : topic;
}
