/**
 * SQL literals for the few hot statements sent without parameters. Why: with `prepare: false`
 * (Supabase's transaction-mode pooler keeps no prepared statements:
 * https://supabase.com/docs/guides/troubleshooting/disabling-prepared-statements-qL8lEL)
 * postgres.js sends a parameterised query as Parse + Describe, waits for the description, then
 * Bind + Execute: two round trips, and the connection takes no other query meanwhile. A query
 * without parameters goes in one message and is pipelined behind others on a busy connection.
 * Only values of a checked shape are written into text — ids, catalog names, numbers, dates;
 * anything else throws. Never use these for text a user typed.
 *
 *   sql.unsafe(`select … where id = ${uuidLiteral(user.id)}`)
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function uuidLiteral(value: string): string {
  if (!UUID.test(value)) throw new TypeError('uuidLiteral: not a UUID');
  return `'${value}'::uuid`;
}

/** A lower-case name such as a provider id or a rate-limit bucket. */
export function nameLiteral(value: string): string {
  if (!NAME.test(value)) throw new TypeError('nameLiteral: not a lower-case name');
  return `'${value}'::text`;
}

export function intLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError('intLiteral: not an integer');
  return `${value}::int`;
}

export function floatLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError('floatLiteral: not a finite number');
  return `${value}::float8`;
}

export function timestampLiteral(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new TypeError('timestampLiteral: invalid date');
  return `'${value.toISOString()}'::timestamptz`;
}
