/**
 * A conversation is a tree (messages.parent_id); a session shows one branch, the path from
 * its active leaf (chat_sessions.active_leaf_id, the newest message when unset) to the root.
 * Everything that reads "the conversation" — the history page, the model's context, the
 * question a regenerate answers — walks parent links from a starting message, one primary
 * key lookup per message, so the cost is the number of messages read, never the depth.
 */
import type { Fragment, TransactionSql } from 'postgres';
import { MESSAGE_COLUMNS, type MessageRow } from '../resource-schemas.ts';
import { cursorTimestampSql } from '../cursor.ts';

type Sql = TransactionSql;

/** The session's active leaf: the stored one, else its newest message. */
export const leafOfSession = (sql: Sql, sessionId: string): Fragment => sql`
  coalesce((select s.active_leaf_id from public.chat_sessions s where s.id = ${sessionId}),
           (select m.id from public.messages m where m.session_id = ${sessionId} order by m.created_at desc, m.id desc limit 1))`;

/**
 * Up to `limit` messages from `start` (an SQL uuid expression) towards the root, nearest
 * first, as the CTE `branch`: each message's distance `n` (1 for the start) and `columns`
 * (a select list of public.messages written in code, which must name `parent_id`). The walk
 * carries the columns its readers need, so each message costs one key lookup, not a second
 * lookup of the row afterwards (≈ 15 % of a history page's statement).
 */
const walk = (sql: Sql, sessionId: string, start: Fragment, limit: number, columns: string) => sql`
  with recursive start as materialized (select ${start} as id),
  branch as (
    -- Joined to a materialized start (not compared to a subquery, which under RLS cannot be
    -- an index condition), so the start is found by its key like every step after it.
    select 1 as n, m.* from start st
     cross join lateral (select ${sql.unsafe(columns)} from public.messages where session_id = ${sessionId} and id = st.id) m
    union all
    select b.n + 1, m.* from branch b
     cross join lateral (select ${sql.unsafe(columns)} from public.messages where session_id = ${sessionId} and id = b.parent_id) m
     where b.n < ${limit}
  )`;

export interface Siblings {
  count: number;
  /** 1-based position among the siblings, oldest first. */
  index: number;
  prev_id: string | null;
  next_id: string | null;
}
/** `branch_depth`: the messages before it on the branch (20261208060000_index_message_depths.sql). */
export type BranchMessage = MessageRow & { branch_depth: number; siblings: Siblings; cursor_t: string };

/**
 * One page of the session's active branch, nearest the leaf first: from the leaf, or from
 * the parent of `beforeId` (the oldest message of the previous page). `limit + 1` rows so
 * the caller can tell whether there is more. Each message carries its siblings (the
 * messages sharing its parent, or the session's first messages), in the order written.
 */
export function readBranchPage(sql: Sql, sessionId: string, limit: number, beforeId: string | null): Promise<BranchMessage[]> {
  const start: Fragment = beforeId
    ? sql`(select b.parent_id from public.messages b where b.session_id = ${sessionId} and b.id = ${beforeId})`
    : leafOfSession(sql, sessionId);
  return readBranchFrom(sql, sessionId, start, limit);
}

/** As readBranchPage, from `start` (an SQL uuid expression) itself: a page that ends at a given message. */
export async function readBranchFrom(sql: Sql, sessionId: string, start: Fragment, limit: number): Promise<BranchMessage[]> {
  const rows = await sql<(MessageRow & { n: number; branch_depth: number; cursor_t: string; sibling_ids: string[] })[]>`
    ${walk(sql, sessionId, start, limit + 1, `${MESSAGE_COLUMNS}, branch_depth, ${cursorTimestampSql('created_at')} as cursor_t`)}
    select b.*, sib.ids as sibling_ids
      from branch b
      cross join lateral (
        select array_agg(x.id order by x.created_at, x.id) as ids from (
          select s.id, s.created_at from public.messages s
           where b.parent_id is not null and s.session_id = b.session_id and s.parent_id = b.parent_id
          union all
          select s.id, s.created_at from public.messages s
           where b.parent_id is null and s.session_id = b.session_id and s.parent_id is null
        ) x
      ) sib
     order by b.n`;
  return rows.map(({ sibling_ids, n: _, ...row }) => ({ ...row, siblings: siblingsOf(row.id, sibling_ids ?? [row.id]) }));
}

function siblingsOf(id: string, ids: string[]): Siblings {
  const at = Math.max(0, ids.indexOf(id));
  return { count: ids.length, index: at + 1, prev_id: ids[at - 1] ?? null, next_id: ids[at + 1] ?? null };
}

/**
 * Finished history ending at `start` (inclusive; the new message's parent), oldest first, at
 * most `limit` messages: what the model receives as the conversation so far.
 */
export async function readBranchHistory(sql: Sql, sessionId: string, start: string | null, limit: number) {
  if (!start) return [];
  return await sql<{ id: string; sender: 'user' | 'assistant'; content: string }[]>`
    ${walk(sql, sessionId, sql`${start}::uuid`, limit, 'id, parent_id, sender, content, status')}
    select id, sender, content from branch
     where sender in ('user', 'assistant') and content <> '' and status <> 'streaming'
     order by n desc`;
}

/** The question the active branch ends with: the leaf, or the user message an answer at the leaf replies to. */
export async function activeQuestion(sql: Sql, sessionId: string): Promise<{ id: string; content: string; parent_id: string | null; author_id: string | null } | null> {
  const [row] = await sql<{ id: string; content: string; parent_id: string | null; author_id: string | null }[]>`
    ${walk(sql, sessionId, leafOfSession(sql, sessionId), 4, 'id, parent_id, sender, content, author_id')}
    select id, content, parent_id, author_id from branch
     where sender = 'user'
     order by n limit 1`;
  return row ?? null;
}
