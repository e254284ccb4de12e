/**
 * A window of the active branch around a message, anywhere in it (a search hit thousands of
 * messages back): the message, some of its ancestors and some of the messages after it towards
 * the active leaf, and pages after a message (scrolling down from such a window).
 *
 * Messages link to their parent only, so "after" is read from the leaf's side: a walk up the
 * parent links from the active leaf (lib/chat/branch.ts), one primary-key lookup per message,
 * that stops at the message and never goes past its time (a branch's times only grow
 * downwards, as select_branch's walk relies on — 20261201025332_keep_shown_branch_on_select.sql).
 * Reaching it is also the proof that the message is on the branch shown; the walk not reaching
 * it means it is another branch's, another chat's or none. The cost is one key lookup per
 * message between the leaf and the message: an index walk, never a scan of the session
 * (EXPLAIN: "Index Scan using messages_pkey" per step; ~100k steps for a hit at the start of a
 * 100k-message chat, docs/qa-findings.md).
 */
import type { TransactionSql } from 'postgres';
import { cursorTimestampSql } from '../cursor.ts';
import { leafOfSession, readBranchFrom, type BranchMessage } from './branch.ts';

type Sql = TransactionSql;

/** Rows as readBranchPage returns them (nearest the leaf first, `size + 1` when older ones remain), and whether newer ones follow. */
export interface BranchWindow { rows: BranchMessage[]; size: number; more: boolean }

/**
 * The messages after `messageId` on the active branch, nearest it first, at most `take`, and
 * whether more follow them; null when the message is not on the active branch.
 */
export async function readBranchAfter(sql: Sql, sessionId: string, messageId: string, take: number): Promise<{ ids: string[]; more: boolean } | null> {
  const [target] = await sql<{ t: string }[]>`
    select ${sql.unsafe(cursorTimestampSql('created_at'))} as t from public.messages where session_id = ${sessionId} and id = ${messageId}`;
  if (!target) return null;
  // Each step is one key lookup, and the time is tested on the row it found: `offset 0` keeps
  // the test out of the lookup, where the planner would rather read every message since that
  // time at each step (a range scan per step, quadratic: 7 s for 3,000 messages).
  const rows = await sql<{ id: string }[]>`
    with recursive start as materialized (select ${leafOfSession(sql, sessionId)} as id),
    up as (
      select 1 as n, m.id, m.parent_id from start st
       cross join lateral (select id, parent_id, created_at from public.messages where session_id = ${sessionId} and id = st.id offset 0) m
       where m.created_at >= ${target.t}::text::timestamptz
      union all
      select u.n + 1, m.id, m.parent_id from up u
       cross join lateral (select id, parent_id, created_at from public.messages where session_id = ${sessionId} and id = u.parent_id offset 0) m
       where u.id <> ${messageId} and m.created_at >= ${target.t}::text::timestamptz
    )
    select id from up order by n desc limit ${take + 2}`;
  if (rows[0]?.id !== messageId) return null;
  const after = rows.slice(1).map((r) => r.id);
  return { ids: after.slice(0, take), more: after.length > take };
}

/**
 * Up to `limit` messages of the active branch around `messageId`: about a third after it (or
 * fewer, at the leaf), the rest it and before it, newest first as readBranchPage returns them
 * (`limit + 1` rows when older ones remain); `more` tells whether newer messages follow the
 * window. Null when the message is not on the active branch.
 */
export async function readBranchAround(sql: Sql, sessionId: string, messageId: string, limit: number): Promise<BranchWindow | null> {
  const after = await readBranchAfter(sql, sessionId, messageId, Math.floor(limit / 3));
  if (!after) return null;
  const newest = after.ids.at(-1) ?? messageId;
  return { rows: await readBranchFrom(sql, sessionId, sql`${newest}::uuid`, limit), size: limit, more: after.more };
}

/** The page after `messageId` (at most `limit` messages), newest first; null when it left the active branch. */
export async function readBranchNewer(sql: Sql, sessionId: string, messageId: string, limit: number): Promise<BranchWindow | null> {
  const after = await readBranchAfter(sql, sessionId, messageId, limit);
  if (!after) return null;
  const newest = after.ids.at(-1);
  if (!newest) return { rows: [], size: 0, more: false };
  // size + 1 rows, as readBranchPage: the one past the page is `messageId` itself, which takePage drops.
  return { rows: await readBranchFrom(sql, sessionId, sql`${newest}::uuid`, after.ids.length), size: after.ids.length, more: after.more };
}
