/**
 * The orders the prompt library can be listed in (`?sort=`), and the keyset cursor of each: a
 * cursor carries the sort it pages (`s`) and that sort's key of the last row shown, so a page
 * continues exactly where the last one ended, ties included, and a cursor from one order is
 * refused with another instead of skipping or repeating rows.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { cursorTimestamp, cursorTimestampSql, decodeCursor } from '../../lib/cursor.ts';
import { ApiError } from '../../lib/errors.ts';
import { optionalQuery } from '../../lib/inputs.ts';

export const PROMPT_SORTS = ['updated', 'name', 'created', 'most_used'] as const;
export type PromptSort = (typeof PROMPT_SORTS)[number];

/** How far back "most used" counts the caller's own calls. */
export const USAGE_WINDOW = '30 days';

export const sortParam = optionalQuery(z.enum(PROMPT_SORTS)).openapi({
  param: { name: 'sort', in: 'query' },
  description: '`updated` (default): newest change first. `name`: by title A→Z, ignoring case. ' +
    '`created`: newest prompt first. `most_used`: the prompts the caller ran most in the last 30 days ' +
    '(their own calls only), then newest change first. A cursor pages the order it came from: with another one it is a 400 `invalid_cursor`.',
});

const uuid = z.uuid();
// A title is at most 200 characters; its lower-case form as JSON stays under the cursor's length limit.
const cursors = {
  updated: z.strictObject({ s: z.literal('updated').optional(), t: cursorTimestamp, id: uuid }),
  created: z.strictObject({ s: z.literal('created'), t: cursorTimestamp, id: uuid }),
  name: z.strictObject({ s: z.literal('name'), k: z.string().max(1000), id: uuid }),
  most_used: z.strictObject({ s: z.literal('most_used'), n: z.number().int().min(0), t: cursorTimestamp, id: uuid }),
} satisfies Record<PromptSort, z.ZodType>;

export type SortCursor = { s: 'updated' | 'created'; t: string; id: string } | { s: 'name'; k: string; id: string } | { s: 'most_used'; n: number; t: string; id: string };

/** The sort key columns a page's rows carry, to build the next cursor from the last one. */
export interface SortKeyColumns {
  id: string;
  sort_t: string;
  sort_k: string;
  sort_n: number;
}

// Cursors from before `sort` existed carry no `s`: they page the default order.
const sortOf = z.looseObject({ s: z.string().optional() });

/**
 * The cursor decoded for `sort`: 400 `invalid_cursor` if it is not a cursor, or pages another
 * order (saying which), since its key would mean something else in this one.
 */
export function decodeSortCursor(cursor: string, sort: PromptSort): SortCursor {
  const from = decodeCursor(cursor, sortOf).s ?? 'updated';
  if (from !== sort) {
    throw new ApiError(400, 'invalid_cursor', `This cursor pages the list sorted by "${from}", not by "${sort}"; ` +
      'start again from the first page (without a cursor) to change the order.').about('cursor');
  }
  switch (sort) {
    case 'updated':
    case 'created': {
      const { t, id } = decodeCursor(cursor, cursors[sort]);
      return { s: sort, t, id };
    }
    case 'name': {
      const { k, id } = decodeCursor(cursor, cursors.name);
      return { s: sort, k, id };
    }
    case 'most_used': {
      const { n, t, id } = decodeCursor(cursor, cursors.most_used);
      return { s: sort, n, t, id };
    }
  }
}

/** The cursor to the page after `row`, in `sort`. */
export function sortCursor(sort: PromptSort, row: SortKeyColumns): Record<string, unknown> {
  switch (sort) {
    case 'updated':
    case 'created':
      return { s: sort, t: row.sort_t, id: row.id };
    case 'name':
      return { s: sort, k: row.sort_k, id: row.id };
    case 'most_used':
      return { s: sort, n: row.sort_n, t: row.sort_t, id: row.id };
  }
}

/**
 * The SQL pieces of one order over `public.prompts p`: the key columns (see SortKeyColumns), what
 * to join (the caller's usage for `most_used`), the condition "after the cursor", and the order.
 * Each ends in the id, so rows with the same key (one import's shared timestamp, equal titles,
 * unused prompts) still have one order and a cursor between them. In the public library `p` is
 * public.shared_prompts, whose `updated_at` is when the prompt was last shared: an owner's
 * private draft does not move it up there.
 */
export function sortSql(sql: TransactionSql, sort: PromptSort, userId: string, after: SortCursor | null) {
  const updatedT = sql.unsafe(cursorTimestampSql('p.updated_at'));
  switch (sort) {
    case 'updated':
    case 'created': {
      const column = sql.unsafe(sort === 'updated' ? 'p.updated_at' : 'p.created_at');
      const t = sql.unsafe(cursorTimestampSql(sort === 'updated' ? 'p.updated_at' : 'p.created_at'));
      return {
        keys: sql`${t} as sort_t, '' as sort_k, 0 as sort_n`,
        join: sql``,
        after: after && (after.s === 'updated' || after.s === 'created') ? sql`and (${column}, p.id) < (${after.t}::text::timestamptz, ${after.id}::uuid)` : sql``,
        order: sql`${column} desc, p.id desc`,
      };
    }
    case 'name':
      return {
        keys: sql`'' as sort_t, lower(p.title) as sort_k, 0 as sort_n`,
        join: sql``,
        after: after?.s === 'name' ? sql`and (lower(p.title), p.id) > (${after.k}::text, ${after.id}::uuid)` : sql``,
        order: sql`lower(p.title), p.id`,
      };
    case 'most_used':
      // The caller's own calls only (as RLS has it anyway), read from the partial index of calls
      // that name a prompt (20261208350000_index_recent_prompt_usage.sql) without the table.
      return {
        keys: sql`${updatedT} as sort_t, '' as sort_k, coalesce(u.n, 0) as sort_n`,
        join: sql`left join (
            select l.prompt_id, count(*)::int as n
              from public.prompt_usage_logs l
             where l.user_id = ${userId} and l.prompt_id is not null
               and l.executed_at >= now() - ${USAGE_WINDOW}::interval
             group by l.prompt_id) u on u.prompt_id = p.id`,
        after: after?.s === 'most_used'
          ? sql`and (coalesce(u.n, 0), p.updated_at, p.id) < (${after.n}::int, ${after.t}::text::timestamptz, ${after.id}::uuid)`
          : sql``,
        order: sql`coalesce(u.n, 0) desc, p.updated_at desc, p.id desc`,
      };
  }
}
