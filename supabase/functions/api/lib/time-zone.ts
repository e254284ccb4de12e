/**
 * IANA time zones as the usage endpoints take them (`tz=Europe/Berlin`): the zone whose
 * calendar days the caller's calls are grouped by and whose midnights bound a range of days.
 * Postgres does the zone arithmetic (`at time zone`, DST days of 23 and 25 hours included);
 * this module only decides which names may reach it. The database itself stays in UTC, as
 * Supabase recommends ("Managing timezones",
 * https://supabase.com/docs/guides/database/postgres/configuration): a zone is a way of
 * reading stored instants, never a setting.
 */
import { z } from '@hono/zod-openapi';
import postgres from 'postgres';
import { ApiError } from './errors.ts';

// A zone's name, as the tz database spells them: `UTC`, `Europe/Berlin`, `America/Argentina/Salta`,
// `Etc/GMT+5`. A name must start with a letter, which shuts out what Postgres would also accept
// as a zone but reads differently from everyone else: POSIX specs such as `+03` or `<-03>+3`
// (their signs are inverted, https://www.postgresql.org/docs/current/datetime-posix-timezone-specs.html).
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/** The zone's canonical spelling (`europe/berlin` → `Europe/Berlin`), or null for a name the runtime does not know. */
export function knownTimeZone(name: string): string | null {
  if (name.length > 64 || !ZONE_NAME.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: not a zone
  }
}

const unknownZoneMessage = (name: string) =>
  `Unknown time zone ${JSON.stringify(name.slice(0, 64))}: use an IANA name such as Europe/Berlin, America/Los_Angeles or UTC`;

/** The `tz` query parameter: an IANA zone name, canonicalised; a name no one knows is a 400 that says so. */
export const timeZoneParam = z
  .string()
  .transform((name, ctx) => {
    const zone = knownTimeZone(name);
    if (zone === null) {
      ctx.addIssue({ code: 'custom', message: unknownZoneMessage(name) });
      return z.NEVER;
    }
    return zone;
  })
  .openapi({ param: { name: 'tz', in: 'query' }, description: 'IANA time zone whose calendar days are counted and whose midnights bound a range of days; default UTC', example: 'Europe/Berlin' });

/**
 * A zone the runtime knows but this database's tz data does not (the two are updated
 * separately): Postgres refuses it with 22023 "time zone … not recognized". Still the
 * caller's input, so a 400 rather than a 500. Use as `.catch((e) => rethrowUnknownZone(e, zone))`.
 */
export function rethrowUnknownZone(error: unknown, zone: string): never {
  if (error instanceof postgres.PostgresError && error.code === '22023' && /time zone/i.test(error.message)) {
    throw new ApiError(400, 'invalid_request', unknownZoneMessage(zone)).about('tz');
  }
  throw error;
}
