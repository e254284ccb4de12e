/**
 * What a failure means for the service: a statement the server refused (its own answer, the
 * same every time), a programming or encoding error in handling one message (the same every
 * time too), or the database being out of reach (worth waiting for and trying again).
 */

/** A statement the server refused (privileges, unknown role, bad value), as opposed to the
 * connection failing or the statement losing a race: only those must make the caller retry
 * the change. A serialization failure or deadlock (class 40) and a lock not obtained in time
 * (55P03) say nothing about the statement: Postgres asks for it to be tried again
 * (https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html), and an
 * RLS check that met one would otherwise hide a row its subscriber may see. */
export function isQueryError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = String(error.code);
  return /^[0-9A-Z]{5}$/.test(code) && !['08', '40', '53', '57', '58', 'XX'].includes(code.slice(0, 2)) && code !== '55P03';
}

/**
 * Whether handling a committed transaction failed in a way that would fail again on a replay:
 * a refused statement, or an error of the code itself (a TypeError, a RangeError such as a
 * string too long to build). Anything else — a lost connection, a server shutting down, a
 * full pool — is taken for the database being unavailable, and only that restarts the
 * replication stream from the last acknowledged commit (replication.ts), which replays it.
 */
export function isDeterministic(error: unknown): boolean {
  return (
    isQueryError(error) ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  );
}
