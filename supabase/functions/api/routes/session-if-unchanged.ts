/**
 * PATCH /sessions/{id}'s `if_unchanged`: the values the caller last saw of the fields it changes
 * (an Undo puts a chat back only if it is still as the undone change left it). Each condition is
 * part of the statement that writes the field, so a change landing from another tab or device
 * between the caller's read and its PATCH is never overwritten: the statement finds no row, the
 * transaction is rolled back, and the caller gets 409 `changed_meanwhile` with the chat as it is.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { ApiError } from '../lib/errors.ts';

export const IfUnchanged = z
  .strictObject({
    title: z.string().max(200),
    project_id: z.uuid().nullable(),
    pinned: z.boolean(),
    archived: z.boolean(),
  })
  .partial()
  .openapi('SessionIfUnchanged', {
    description: 'Apply the change only if these fields still hold these values (pinned/archived: your own marks); otherwise 409 `changed_meanwhile` with the chat as it is now, as `session`',
  });
export type IfUnchanged = z.infer<typeof IfUnchanged>;

/** Thrown inside the transaction when a condition did not hold, to roll back what was written. */
export class ConditionFailed extends Error {}

/** The chat's own fields' conditions, for `update public.chat_sessions … where id = … and <this>`. */
export function sessionFieldsHold(sql: TransactionSql, expected: IfUnchanged | undefined) {
  const title = expected?.title === undefined ? sql`` : sql`and chat_sessions.title is not distinct from ${expected.title}`;
  const project = expected?.project_id === undefined ? sql`` : sql`and chat_sessions.project_id is not distinct from ${expected.project_id}::uuid`;
  return sql`${title} ${project}`;
}

/** The caller's marks' conditions, on the row of public.session_marks an upsert met. */
export function marksHold(sql: TransactionSql, expected: IfUnchanged | undefined) {
  const mark = (value: boolean | undefined, column: 'pinned_at' | 'archived_at') =>
    value === undefined ? sql`` : sql`and (session_marks.${sql(column)} is not null) = ${value}`;
  return sql`true ${mark(expected?.pinned, 'pinned_at')} ${mark(expected?.archived, 'archived_at')}`;
}

/** Whether a chat with no marks row yet (neither pinned nor archived) meets the conditions. */
export const holdsWithoutMarks = (expected: IfUnchanged | undefined) => expected?.pinned !== true && expected?.archived !== true;

/** Whether the chat as it is now (`row`) meets the conditions. */
export function holds(row: { title: string; project_id: string | null; pinned_at: unknown; archived_at: unknown }, expected: IfUnchanged): boolean {
  return (expected.title === undefined || row.title === expected.title)
    && (expected.project_id === undefined || row.project_id === expected.project_id)
    && (expected.pinned === undefined || (row.pinned_at != null) === expected.pinned)
    && (expected.archived === undefined || (row.archived_at != null) === expected.archived);
}

/** 409 changed_meanwhile, with the chat as it is now. */
export const changedMeanwhile = (session: unknown) =>
  new ApiError(409, 'changed_meanwhile', 'The chat was changed meanwhile: nothing was changed', undefined, { session });
