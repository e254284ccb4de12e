/**
 * The time range of a usage request (GET /usage, /usage/summary, /usage/export): `from` and
 * `to` as calendar days, taken as midnights in the caller's zone, or as exact instants; the
 * defaults (`to` now, `from` 30 days before) and the limits (from before to, at most
 * MAX_RANGE_DAYS). Postgres turns days into instants (`day::timestamp at time zone tz`), so a
 * range over a change to or from summer time starts and ends at the right midnights even
 * though one of its days lasts 23 or 25 hours.
 *
 *   const range = await resolveRange(sql, { from: query.from, to: query.to }, query.tz ?? 'UTC');
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { ApiError } from './errors.ts';
import { rethrowUnknownZone } from './time-zone.ts';

export const MAX_RANGE_DAYS = 400;

/** A bound as asked: a calendar day in the request's zone, or an instant with an offset. */
export type Bound = { day: string } | { at: Date };

/** `2026-03-29` (midnight in `tz`) or `2026-03-29T00:00:00+01:00` (that instant). */
export const bound = z.union([
  z.iso.date().transform((day): Bound => ({ day })),
  z.iso.datetime({ offset: true }).transform((s): Bound => ({ at: new Date(s) })),
]);

export interface UsageRange {
  from: Date;
  to: Date;
  tz: string;
  /** The local days the range touches (`to` exclusive), for a file name: `2026-03-29`. */
  firstDay: string;
  lastDay: string;
}

const dayOf = (b: Bound | undefined) => (b && 'day' in b ? b.day : null);
const atOf = (b: Bound | undefined) => (b && 'at' in b ? b.at : null);

/**
 * Resolves the bounds in one statement and checks them. The length is measured in the zone's
 * wall-clock time, so 400 local days are 400 days even when summer time ended in between
 * (400 × 24 h + 1 h of real time).
 */
export async function resolveRange(sql: TransactionSql, asked: { from?: Bound; to?: Bound }, tz: string): Promise<UsageRange> {
  const [row] = await sql<{ from: Date; to: Date; local_days: number; first_day: string; last_day: string }[]>`
    with t as (
      select coalesce(${atOf(asked.to)}::timestamptz, ${dayOf(asked.to)}::date::timestamp at time zone ${tz}, now()) as t
    ), r as (
      select coalesce(${atOf(asked.from)}::timestamptz, ${dayOf(asked.from)}::date::timestamp at time zone ${tz},
                      (t at time zone ${tz} - interval '30 days') at time zone ${tz}) as f, t
        from t
    )
    select f as from, t as to,
           extract(epoch from (t at time zone ${tz}) - (f at time zone ${tz}))::float8 / 86400 as local_days,
           to_char(f at time zone ${tz}, 'YYYY-MM-DD') as first_day,
           to_char((t at time zone ${tz}) - interval '1 millisecond', 'YYYY-MM-DD') as last_day
      from r`.catch((error: unknown) => rethrowUnknownZone(error, tz));
  if (!row || row.from >= row.to) throw new ApiError(400, 'invalid_request', '`from` must be before `to`');
  if (row.local_days > MAX_RANGE_DAYS) throw new ApiError(400, 'invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days`);
  return { from: row.from, to: row.to, tz, firstDay: row.first_day, lastDay: row.last_day };
}
