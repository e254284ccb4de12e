/**
 * A window of the active branch around a message, anywhere in it (a search hit thousands of
 * messages back): the message, some of its ancestors and some of the messages after it towards
 * the active leaf, and pages after a message (scrolling down from such a window).
 *
 * Messages link to their parent only, so "after" is read from the leaf's side. Each message
 * knows its depth and a skew-binary jump pointer to an ancestor (branch_depth, branch_jump_id:
 * 20261208060000_index_message_depths.sql), so the ancestor of the leaf at a given depth —
 * the newest message of the window — is found in O(log depth) key lookups, never a walk over
 * the messages between the leaf and the hit (security review 6 #1). The window is then read
 * from there by the parent walk the pages use (readBranchFrom); the message being in it is the
 * proof that it is on the branch shown (another branch's, another chat's or none: not in it).
 */
import type { TransactionSql } from 'postgres';
import { leafOfSession, readBranchFrom, type BranchMessage } from './branch.ts';

type Sql = TransactionSql;

/** Rows as readBranchPage returns them (nearest the leaf first, `size + 1` when older ones remain), and whether newer ones follow. */
export interface BranchWindow { rows: BranchMessage[]; size: number; more: boolean }

/**
 * The message of the active branch `take` messages after `messageId` (or the leaf, when fewer
 * follow it), its distance from the message, and whether more follow it; null when the
 * message is not in the session (whether it is on the branch is for the caller's walk down
 * from the result to tell). Each step of the climb is one key lookup of the message (and one
 * of its jump's depth); `offset 0` keeps each lookup a key lookup, as in branch.ts.
 */
export async function branchAfter(sql: Sql, sessionId: string, messageId: string, take: number): Promise<{ top: string; steps: number; more: boolean } | null> {
  const [row] = await sql<{ top: string | null; depth: number; leaf_depth: number | null }[]>`
    with recursive target as materialized (
      select m.branch_depth as depth from public.messages m where m.session_id = ${sessionId} and m.id = ${messageId}
    ), start as materialized (select ${leafOfSession(sql, sessionId)} as id),
    leaf as materialized (
      select m.id, m.parent_id, m.branch_depth, m.branch_jump_id from start st
       cross join lateral (select id, parent_id, branch_depth, branch_jump_id from public.messages where session_id = ${sessionId} and id = st.id offset 0) m
    ),
    goal as materialized (
      select least(t.depth + ${take}, l.branch_depth) as depth, l.branch_depth as leaf_depth from target t, leaf l
    ),
    climb as (
      select l.id, l.parent_id, l.branch_depth, l.branch_jump_id from leaf l
      union all
      select m.id, m.parent_id, m.branch_depth, m.branch_jump_id from climb c
       cross join goal g
       cross join lateral (select branch_depth from public.messages where session_id = ${sessionId} and id = c.branch_jump_id offset 0) j
       cross join lateral (
         select id, parent_id, branch_depth, branch_jump_id from public.messages
          where session_id = ${sessionId} and id = case when j.branch_depth >= g.depth then c.branch_jump_id else c.parent_id end
         offset 0) m
       where c.branch_depth > g.depth
    )
    select (select c.id from climb c, goal g where c.branch_depth = g.depth) as top,
           t.depth, (select g.leaf_depth from goal g) as leaf_depth
      from target t`;
  if (!row || row.top === null || row.leaf_depth === null) return null;
  const steps = Math.min(take, row.leaf_depth - row.depth);
  if (steps < 0) return null; // deeper than the leaf: not on the branch shown
  return { top: row.top, steps, more: row.leaf_depth > row.depth + steps };
}

/**
 * Up to `limit` messages of the active branch around `messageId`: about a third after it (or
 * fewer, at the leaf), the rest it and before it, newest first as readBranchPage returns them
 * (`limit + 1` rows when older ones remain); `more` tells whether newer messages follow the
 * window. Null when the message is not on the active branch.
 */
export async function readBranchAround(sql: Sql, sessionId: string, messageId: string, limit: number): Promise<BranchWindow | null> {
  const after = await branchAfter(sql, sessionId, messageId, Math.floor(limit / 3));
  if (!after) return null;
  const rows = await readBranchFrom(sql, sessionId, sql`${after.top}::uuid`, limit);
  // The walk down from the window's newest message passes the message only when it is on the branch.
  if (rows[after.steps]?.id !== messageId) return null;
  return { rows, size: limit, more: after.more };
}

/** The page after `messageId` (at most `limit` messages), newest first; null when it left the active branch. */
export async function readBranchNewer(sql: Sql, sessionId: string, messageId: string, limit: number): Promise<BranchWindow | null> {
  const after = await branchAfter(sql, sessionId, messageId, limit);
  if (!after) return null;
  // size + 1 rows, as readBranchPage: the one past the page is `messageId` itself, which takePage drops.
  const rows = await readBranchFrom(sql, sessionId, sql`${after.top}::uuid`, after.steps);
  if (rows[after.steps]?.id !== messageId) return null;
  if (after.steps === 0) return { rows: [], size: 0, more: false };
  return { rows, size: after.steps, more: after.more };
}
