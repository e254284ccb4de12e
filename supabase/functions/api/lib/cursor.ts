/**
 * Opaque keyset cursors: `base64url(JSON)` of the sort key of the last row a page returned.
 * Clients treat them as opaque strings; the server validates every decoded cursor with zod,
 * so a tampered or truncated cursor is a 400, never a 500 or a query on garbage.
 *
 * (deno-std's base64url needs ArrayBuffer.transfer, which Node 20 lacks; jose's works in
 * both runtimes and is already a dependency.)
 */
import { base64url } from 'jose';
import { z } from 'zod';
import { ApiError } from './errors.ts';

// Timestamps travel as text with microseconds (Postgres precision); a JS Date would round
// them to milliseconds and make rows with close timestamps skip or repeat across pages.
// Compare them in SQL as `${t}::text::timestamptz`: with a bare `::timestamptz` cast the
// postgres client types the parameter as a timestamp and serialises it through Date,
// dropping the microseconds again.
export const cursorTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'not a UTC timestamp');

/** The common shape: a timestamp and the row id that breaks ties between equal timestamps. */
export const timeIdCursor = z.strictObject({ t: cursorTimestamp, id: z.uuid() });
export type TimeIdCursor = z.infer<typeof timeIdCursor>;

/** Encodes a sort key as an opaque cursor. */
export function encodeCursor(key: Record<string, unknown>): string {
  return base64url.encode(JSON.stringify(key));
}

/** Decodes a cursor against its schema; anything else is a 400 `invalid_cursor`. */
export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(cursor)));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

function invalidCursor(): ApiError {
  return new ApiError(400, 'invalid_cursor', 'The cursor is not valid; start again from the first page.');
}

/**
 * SQL expression text (Postgres) rendering a timestamptz column as a cursor timestamp in
 * UTC with microseconds. Use as `${sql.unsafe(cursorTimestampSql('m.created_at'))}` with a
 * column name from code, never from input.
 */
export function cursorTimestampSql(column: string): string {
  if (!/^[a-z_][a-z0-9_.]*$/.test(column)) throw new Error(`not a column name: ${column}`);
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
