/**
 * Postgres access. Every query a request makes runs inside withUserTransaction, which sets
 * the caller's JWT claims and switches to the `authenticated` role so RLS decides what the
 * caller can see. `sql` (the owner connection) is only for the named privileged helpers in
 * the `private` schema (readCredentialCiphertext, storeCredential, consumeRateLimit).
 */
import postgres, { type Sql, type TransactionSql } from 'postgres';
import type { AuthUser } from './context.ts';
import { ApiError } from './errors.ts';
import { uuidLiteral } from './sql-literals.ts';

/** The `anon` role's statement_timeout (local/src/db/bootstrap.sql, as on hosted Supabase). */
export const ANON_STATEMENT_TIMEOUT = '3s';

/** The Auth session a user's access token was issued for (none for an API key's caller). */
export function sessionIdOf(user: AuthUser): string | null {
  const id = user.claims.session_id;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

/** The token's authenticator assurance level: `aal2` once a second factor was used (or an API key's). */
export function aalOf(user: AuthUser): 'aal1' | 'aal2' {
  return user.claims.aal === 'aal2' ? 'aal2' : 'aal1';
}

/**
 * The checks of requireSessionAccess as SQL calls with literal arguments (lib/sql-literals.ts),
 * to add to a statement a route sends anyway: public.require_live_session (MR401) unless the
 * token names no session, public.require_mfa_level (MR403) unless it is aal2.
 */
export function sessionAccessCalls(user: AuthUser): string[] {
  const session = sessionIdOf(user);
  return [
    ...(session === null ? [] : [`public.require_live_session(${uuidLiteral(session)})`]),
    ...(aalOf(user) === 'aal2' ? [] : [`public.require_mfa_level(${uuidLiteral(user.id)}, 'aal1')`]),
  ];
}

export interface Db {
  /**
   * `snapshot`: a read-only repeatable-read transaction (one consistent view, e.g. the export).
   * `answerBeforeCommit` (read only): fn's result is handed over as soon as fn is done, while
   * the COMMIT's round trip goes on; fn must not write. `deferRowCounts`: the caller's rows are
   * counted against their quotas as the transaction commits (private.defer_row_counts, called
   * as the owner before the role changes), so a long write does not hold their quota counter;
   * a quota passed refuses the COMMIT (54000).
   */
  withUserTransaction<T>(
    user: AuthUser,
    fn: (sql: TransactionSql) => Promise<T>,
    options?: { snapshot?: boolean; readOnly?: boolean; answerBeforeCommit?: boolean; deferRowCounts?: boolean },
  ): Promise<T>;
  /** A read-only transaction as the caller (the start of a chat turn reads with it); fn must not write. */
  readAsUser<T>(user: AuthUser, fn: (sql: TransactionSql) => Promise<T>): Promise<T>;
  /** As a signed-out visitor (role `anon`), exactly as the Data API would run it. */
  withAnonTransaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T>;
  /** The ciphertext of the caller's key for one provider (bypasses RLS; filters by user id). */
  readCredentialCiphertext(userId: string, provider: string): Promise<{ encrypted_key: string; base_url: string | null } | null>;
  /** Stores or replaces the caller's key for one provider (owner-side; the API roles cannot write keys). */
  storeCredential(
    userId: string,
    credential: { provider: string; encryptedKey: string; keyHint: string; baseUrl: string | null },
  ): Promise<StoredCredential>;
  /** Records what the provider said of the stored key whose ciphertext was checked (owner-side; a key replaced since is left alone). */
  recordCredentialCheck(userId: string, provider: string, encryptedKey: string, status: CredentialCheck): Promise<void>;
  /**
   * Takes `cost` tokens from the user's bucket; `allowed: false` comes with a retry delay.
   * `caller`: the token is checked as by requireSessionAccess in the same statement, and a
   * refused one takes nothing (a read that spends the bucket before any transaction as the user).
   */
  consumeRateLimit(
    userId: string,
    bucket: string,
    capacity: number,
    refillPerSecond: number,
    cost?: number,
    caller?: AuthUser,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /**
   * Takes one token from the bucket of a client address (an IPv4 address or an IPv6 /64 in CIDR
   * form, lib/client-address.ts) — the limit of callers who have no account to be counted by.
   */
  consumeAddressRateLimit(
    address: string,
    bucket: string,
    capacity: number,
    refillPerSecond: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /** Stores a new API key for the verified user (owner-side; the API roles cannot insert keys). */
  createApiKey(userId: string, key: NewApiKey): Promise<ApiKeyRow>;
  /**
   * Fails with SQLSTATE MR401 unless the token's Auth session is still signed in
   * (public.require_live_session), then MR403 if the account has a verified second factor and
   * the token is not aal2 (public.require_mfa_level); app.ts answers them 401 session_ended and
   * 403 insufficient_aal, as for every query.
   */
  requireSessionAccess(user: AuthUser): Promise<void>;
  /** The live key with this SHA-256 (not expired, user active), marking it used; null if none. */
  /** `scopes`: those the request accepts; the key is marked used only if it holds one. */
  authenticateApiKey(hash: Uint8Array, scopes: readonly string[]): Promise<{ keyId: string; userId: string; email: string | null; scopes: string[] } | null>;
  /**
   * A trivial database round trip (health check) that also says whether pgvector is there: `installed` (the
   * `vector` extension is created), `available` (it could be), or `absent`. Where it is
   * installed, project files are ranked by embeddings too (lib/attachments/project-files.ts).
   */
  ping(): Promise<{ vector: 'installed' | 'available' | 'absent' }>;
  /** Owner connection, for maintenance commands (re-encryption) only — never in a route. */
  sql: Sql;
  /**
   * One owner connection of its own for the start of chat turns (lib/chat/turn-gate.ts): its
   * statements carry no parameters, so they pipeline on it, and a burst of finishing answers
   * on the pool never queues the next turn's first token.
   */
  startLane?: Sql;
  end(): Promise<void>;
}

/** What the provider last said of a stored key (api_credentials.check_status). */
export type CredentialCheck = 'ok' | 'invalid' | 'unverified' | 'unreachable';

export interface StoredCredential {
  provider: string;
  key_hint: string;
  base_url: string | null;
  last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewApiKey {
  name: string;
  prefix: string;
  hash: Uint8Array;
  scopes: string[];
  expiresAt: Date | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

/**
 * Whether a connection to `url` keeps the statements prepared on it. Supabase's transaction-mode
 * pooler (port 6543) gives each transaction whichever server connection is free, so a statement
 * prepared on one is missing on the next; there they are turned off
 * (https://supabase.com/docs/guides/troubleshooting/disabling-prepared-statements-qL8lEL). A direct
 * connection or the session-mode pooler (5432) keeps them: each statement written in code is then
 * parsed and planned once per connection (postgres.js names it by its text) instead of on every
 * call, and later calls take one round trip with no Describe. The history page's statement as
 * the user: 9.4 ms of database CPU planned each time against 2.0 ms prepared. Statements sent as
 * text (`sql.unsafe`, lib/sql-literals.ts) are never prepared: their text differs call to call.
 */
export function keepsPreparedStatements(url: string): boolean {
  try {
    return new URL(url).port !== '6543';
  } catch {
    return false;
  }
}

/**
 * `warm`: open the first connection now rather than on the first query (the Deno entry asks
 * for it before it loads the routes, so a cold function's first request finds it open).
 * Queries that arrive while it opens wait for it rather than open one of their own.
 */
export function createDb(url: string, options: { max?: number; warm?: boolean; prepare?: boolean } = {}): Db {
  const prepare = options.prepare ?? keepsPreparedStatements(url);
  // eager_types: the database's array types, domains and extension types (pgvector's) are read
  // once as the pool starts, not the first time a query meets one — postgres.js reads them
  // then on a connection beside the waiting one, opened past `max` when none is idle.
  const settings = { prepare, onnotice: () => {}, idle_timeout: 20, eager_types: true };
  const sql = postgres(url, { ...settings, max: options.max ?? 5 });
  const startLane = postgres(url, { ...settings, max: 1 });
  const db = { ...createQueries(sql), startLane, end: async () => void (await Promise.all([sql.end({ timeout: 5 }), startLane.end({ timeout: 5 })])) };
  return options.warm ? waitForFirstConnection(db, sql) : db;
}

/** Every method of `db` first waits (once) for a `select 1` that opens the pool's first
 * connection; a failure is left to the queries themselves. `sql` itself is left as it is. */
function waitForFirstConnection(db: Db, sql: Sql): Db {
  let opening: Promise<unknown> | undefined = sql`select 1`.execute().catch(() => undefined).finally(() => (opening = undefined));
  const gated = { ...db };
  for (const [name, value] of Object.entries(db) as [keyof Db, unknown][]) {
    if (typeof value !== 'function' || name === 'sql' || name === 'startLane' || name === 'end') continue;
    const method = value as (...args: unknown[]) => Promise<unknown>;
    Object.assign(gated, {
      [name]: async (...args: unknown[]) => {
        if (opening) await opening;
        return await method.apply(gated, args);
      },
    });
  }
  return gated;
}

function createQueries(sql: Sql): Db {
  return {
    sql,
    async withUserTransaction(user, fn, options = {}) {
      const claims = JSON.stringify({ ...user.claims, sub: user.id, role: 'authenticated' });
      const calls = [...sessionAccessCalls(user), ...(options.deferRowCounts ? [`private.defer_row_counts(${uuidLiteral(user.id)})`] : [])];
      const checks = calls.map((call) => `${call}, `).join('');
      const body = async (tx: TransactionSql) => {
        // Sent without waiting for its answer: statements on a transaction's connection run in
        // the order they are issued, so the claims and role are in place before fn's first
        // statement, which travels in the same round trip (pipelined). The token is checked
        // first, as the owner: a signed-out session's is refused (MR401, 401), then an aal1
        // one of an account with a second factor (MR403, 403), before fn's statements run; a
        // deferral of the row counts is the owner's too (the API roles may not call it).
        const [, result] = await Promise.all([
          tx`select ${tx.unsafe(checks)}set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`.execute(),
          fn(tx),
        ]);
        return result;
      };
      if (options.answerBeforeCommit) {
        // A read-only transaction has nothing left to make durable once its last statement has
        // answered: what fn read was read under the caller's role and claims, and the COMMIT
        // only ends the transaction (it cannot fail a read-only one in a way that changes what
        // was read). So the result goes to the caller then, and the request does not wait for
        // one more round trip to the database; begin() still owns the connection until the
        // COMMIT (or, on failure, the ROLLBACK) has answered, as in readAsUser below. A failure
        // of fn rejects as before; one of the COMMIT after the answer has nothing to undo.
        return await new Promise<Awaited<ReturnType<typeof fn>>>((resolve, reject) => {
          sql.begin(options.snapshot ? 'isolation level repeatable read read only' : 'read only', async (tx) => {
            const value = await body(tx);
            resolve(value as Awaited<ReturnType<typeof fn>>);
            return value;
          }).catch(reject);
        });
      }
      const result = options.snapshot
        ? await sql.begin('isolation level repeatable read read only', body)
        : options.readOnly ? await sql.begin('read only', body) : await sql.begin(body);
      // postgres' begin() types its result as UnwrapPromiseArray<T>; for our callers it is T.
      return result as Awaited<ReturnType<typeof fn>>;
    },
    async readAsUser(user, fn) {
      // A read-only transaction through begin(), the settings pipelined with fn's first
      // statement. An earlier version reserved a connection and sent BEGIN with them, handing
      // the result over before the COMMIT: when Postgres restarted under load, a reserved
      // connection whose ROLLBACK/COMMIT never answered was never released, the pool starved
      // and every later request hung (tests/faults/postgres-restart.test.ts, ~1 run in 6).
      // begin() owns the connection's whole life, failures included; the cost is the BEGIN's
      // and the COMMIT's round trips.
      return this.withUserTransaction(user, fn, { readOnly: true });
    },
    async withAnonTransaction(fn) {
      const result = await sql.begin(async (tx) => {
        // Pipelined with fn's first statement, as above. A role's own statement_timeout applies
        // only to a session that logs in as it, not to one that switches to it, so anon's is
        // set here: without it a signed-out caller's statements could run as long as they liked.
        const [, value] = await Promise.all([
          tx`select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('role', 'anon', true),
                    set_config('statement_timeout', ${ANON_STATEMENT_TIMEOUT}, true)`.execute(),
          fn(tx),
        ]);
        return value;
      });
      return result as Awaited<ReturnType<typeof fn>>;
    },
    async readCredentialCiphertext(userId, provider) {
      const rows = await sql<{ encrypted_key: string; base_url: string | null }[]>`
        select encrypted_key, base_url from private.read_credential_ciphertext(${userId}::uuid, ${provider})`;
      return rows[0] ?? null;
    },
    async storeCredential(userId, credential) {
      const [row] = await sql<StoredCredential[]>`
        select provider, key_hint, base_url, last_used_at, created_at, updated_at
          from private.store_credential(${userId}::uuid, ${credential.provider}, ${credential.encryptedKey}, ${credential.keyHint}, ${credential.baseUrl})`;
      return row!;
    },
    async recordCredentialCheck(userId, provider, encryptedKey, status) {
      await sql`select private.record_credential_check(${userId}::uuid, ${provider}, ${encryptedKey}, ${status})`;
    },
    async consumeRateLimit(userId, bucket, capacity, refillPerSecond, cost = 1, caller) {
      // The bucket's update commits without waiting for its WAL to reach disk
      // (synchronous_commit off for this one-statement transaction): a crash can forget the
      // last fraction of a second of consumption, which only errs towards the caller, and the
      // check no longer pays an fsync on the path of every chat turn.
      // https://www.postgresql.org/docs/current/wal-async-commit.html
      // The caller's checks raise after the bucket's update, in the same statement: it rolls back.
      const check = sql.unsafe(caller ? sessionAccessCalls(caller).map((call) => `, ${call}`).join('') : '');
      const rows = await sql<{ allowed: boolean; retry_after_seconds: number }[]>`
        select set_config('synchronous_commit', 'off', true), allowed, retry_after_seconds ${check}
          from private.consume_rate_limit(${userId}::uuid, ${bucket}, ${capacity}::int, ${refillPerSecond}::float8, ${cost}::int)`
        .catch((error: unknown) => {
          // A still-valid token of an account deleted since: its bucket row has no user to belong to.
          if (error instanceof postgres.PostgresError && error.code === '23503') {
            throw new ApiError(401, 'unauthorized', 'This account no longer exists');
          }
          throw error;
        });
      const row = rows[0];
      return { allowed: Boolean(row?.allowed), retryAfterSeconds: Number(row?.retry_after_seconds ?? 1) };
    },
    async consumeAddressRateLimit(address, bucket, capacity, refillPerSecond) {
      // As consumeRateLimit: the bucket's commit need not wait for its WAL.
      const [row] = await sql<{ allowed: boolean; retry_after_seconds: number }[]>`
        select set_config('synchronous_commit', 'off', true), allowed, retry_after_seconds
          from private.consume_address_rate_limit(${address}::inet, ${bucket}, ${capacity}::int, ${refillPerSecond}::float8)`;
      return { allowed: Boolean(row?.allowed), retryAfterSeconds: Number(row?.retry_after_seconds ?? 1) };
    },
    async createApiKey(userId, key) {
      const [row] = await sql<ApiKeyRow[]>`
        select id, name, prefix, scopes, expires_at, last_used_at, created_at
          from private.create_api_key(${userId}::uuid, ${key.name}, ${key.prefix}, decode(${toHex(key.hash)}, 'hex'), ${key.scopes}::text[], ${key.expiresAt})`;
      return row!;
    },
    async requireSessionAccess(user) {
      const calls = sessionAccessCalls(user);
      if (calls.length > 0) await sql.unsafe(`select ${calls.join(', ')}`);
    },
    async authenticateApiKey(hash, scopes) {
      const rows = await sql<{ key_id: string; user_id: string; email: string | null; scopes: string[] }[]>`
        select key_id, user_id, email, scopes from private.authenticate_api_key(decode(${toHex(hash)}, 'hex'), ${[...scopes]}::text[])`;
      const row = rows[0];
      return row ? { keyId: row.key_id, userId: row.user_id, email: row.email, scopes: row.scopes } : null;
    },
    async ping() {
      const [row] = await sql<{ installed: boolean; available: boolean }[]>`
        select exists (select 1 from pg_catalog.pg_extension where extname = 'vector') as installed,
               exists (select 1 from pg_catalog.pg_available_extensions where name = 'vector') as available`;
      return { vector: row?.installed ? 'installed' : row?.available ? 'available' : 'absent' };
    },
    async end() {
      await sql.end({ timeout: 5 });
    },
  };
}

// bytea parameters as hex text: portable between Node and Deno (no Buffer).
function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
