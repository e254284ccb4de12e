/**
 * Keyset pagination shared by every list endpoint: a `limit` query parameter with a cap,
 * and a page built from `limit + 1` rows so "is there more?" needs no count query.
 */
import { z } from '@hono/zod-openapi';
import { encodeCursor } from './cursor.ts';

/** `?limit=` as a query string: an integer 1..max, `fallback` when absent. */
export function limitParam(fallback: number, max: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .openapi({ param: { name: 'limit', in: 'query' }, example: fallback, description: `1..${max}, default ${fallback}` });
}

/** `?before=` / `?cursor=`: an opaque cursor from a previous page's `next_cursor`. */
export const cursorParam = z.string().min(1).max(512).optional();

/**
 * Splits `limit + 1` fetched rows into the page and the cursor to the next one (built from
 * the page's last row), or null when this is the last page.
 */
export function takePage<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => Record<string, unknown>,
): { items: Row[]; next_cursor: string | null } {
  if (rows.length <= limit) return { items: rows, next_cursor: null };
  const items = rows.slice(0, limit);
  return { items, next_cursor: encodeCursor(keyOf(items[items.length - 1])) };
}
