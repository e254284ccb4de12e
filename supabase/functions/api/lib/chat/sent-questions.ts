/**
 * A question's client id (POST /chat `client_id`), so a send the client repeats — the web app's
 * queue sending again a POST whose answer it never heard — is one question, not two. The id is
 * recorded with the question by private.write_turn_rows (private.sent_questions, unique per
 * author); the same id again is refused with 409 `already_sent`, naming the question and its
 * chat, before any provider call when the first is already stored, and by the unique key when
 * the two race.
 */
import type { Sql } from 'postgres';
import { ApiError } from '../errors.ts';

/** 409 for a question sent again: where the first one is. */
export function alreadySent(sent: { session_id: string; message_id: string } | null): ApiError {
  return new ApiError(409, 'already_sent', 'This message was sent already (the same client_id)', undefined, {
    session_id: sent?.session_id ?? null,
    user_message_id: sent?.message_id ?? null,
  });
}

/** The question sent with this client id by this author, if any. */
export async function sentQuestion(sql: Sql, authorId: string, clientId: string): Promise<{ session_id: string; message_id: string } | null> {
  const [row] = await sql<{ session_id: string; message_id: string }[]>`
    select session_id, message_id from private.sent_questions where author_id = ${authorId} and client_id = ${clientId}`;
  return row ?? null;
}

/** Throws 409 `already_sent` when this author sent a question with this client id. */
export async function refuseSentAgain(sql: Sql, authorId: string, clientId: string | undefined): Promise<void> {
  if (!clientId) return;
  const sent = await sentQuestion(sql, authorId, clientId);
  if (sent) throw alreadySent(sent);
}

/** The unique key of private.sent_questions refused the write (two sends of one id raced). */
export function isSentAgain(error: unknown): boolean {
  const e = error as { code?: string; constraint_name?: string } | null;
  return e?.code === '23505' && e.constraint_name === 'sent_questions_pkey';
}
