/**
 * Turns a column's Postgres text output (what pgoutput sends, produced in a UTC session) into
 * the JSON value the real server puts in `record`/`old_record`: `to_jsonb(value::type)`
 * (https://supabase.com/docs/guides/realtime/postgres-changes). Numbers, booleans and JSON become native JSON; timestamps become ISO
 * strings with `T`; everything else (uuid, text, date, arrays…) stays the text form, which is
 * also what realtime-js's own conversion expects for `_type` arrays.
 */

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);

export function toJsonValue(raw: string | null | undefined, typname: string): unknown {
  if (raw === null || raw === undefined) return null;
  if (typname === 'bool') return raw === 't' || raw === 'true';
  if (NUMERIC.has(typname)) {
    const number = Number(raw);
    // to_jsonb keeps NaN/Infinity as strings: JSON has no spelling for them.
    return Number.isFinite(number) ? number : raw;
  }
  if (typname === 'json' || typname === 'jsonb') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (typname === 'timestamptz') return isoTimestamp(raw, true);
  if (typname === 'timestamp') return isoTimestamp(raw, false);
  return raw;
}

/** `2026-01-01 10:00:00.123456+00` → `2026-01-01T10:00:00.123456+00:00` (to_jsonb's form). */
function isoTimestamp(raw: string, withZone: boolean): string {
  if (raw === 'infinity' || raw === '-infinity') return raw;
  const iso = raw.replace(' ', 'T');
  if (!withZone) return iso;
  return /[+-]\d\d$/.test(iso) ? `${iso}:00` : iso;
}

/** Ordering key for comparisons in filters: [epoch ms, sub-millisecond digits]. */
export function timestampKey(raw: string): [number, string] | null {
  const iso = isoTimestamp(raw, true);
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return null;
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return [millis, fraction.slice(3).padEnd(3, '0')];
}
