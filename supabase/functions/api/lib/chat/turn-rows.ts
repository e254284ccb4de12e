/**
 * Writes the rows a turn starts with, in one privileged statement (the API roles may not
 * write messages; private.write_turn_rows), every write filtered by the session owner's id: the session (created,
 * or its settings updated), the user message (new, or for an edit a new sibling of the edited
 * one; regenerate writes none), the assistant row with status `streaming` under it, and the
 * turn's lock and lease in private.chat_turns. Nothing is deleted: the session's active leaf
 * moves to the new answer (a trigger on messages), and older versions stay as siblings. The
 * lock is the unique session_id in chat_turns (and the unique streaming row per session): a
 * second turn in a running session fails with 409 turn_running, whichever participant started
 * the first. In a group chat the rows are the owner's and the author (question and answer) is
 * the member who sent it; the database refuses an author who may not post
 * (messages_guard_author), which surfaces as 403 here. The lock row also records who pays for
 * the call, at what price, and our estimate of its prompt: if the turn's process dies, the
 * settle logs the call from them (private.settle_abandoned_answers).
 */
import type { Sql } from 'postgres';
import { picoPerToken } from '../cost.ts';
import type { ModelPrice } from '../prices.ts';
import { ApiError, notFound } from '../errors.ts';
import { jsonbText } from '../jsonb.ts';
import { titleFromMessage } from './context.ts';
import { alreadySent, isSentAgain, sentQuestion } from './sent-questions.ts';
import type { TurnInputs } from './turn-inputs.ts';

export interface TurnIds {
  sessionId: string;
  userMessageId: string;
  assistantMessageId: string;
}

export interface TurnRowsRequest {
  provider: string;
  model: string;
  /** Saved as the session's settings (provider, model, temperature, chosen prompt). */
  metadata: Record<string, unknown>;
  leaseMs: number;
  usage: TurnUsageRecord;
  /** A new question's client id (POST /chat `client_id`), unique per author (sent-questions.ts). */
  clientId?: string;
  /**
   * A regenerate or edit that named the running answer it replaces, or none (POST /chat
   * `stop_message_id`): an answer that takes the lock first was started elsewhere (409
   * answer_started_elsewhere), not one this request knew of.
   */
  namedRunning?: boolean;
}

/** What the settle of a turn whose process died logs for its call (private.chat_turns). */
export interface TurnUsageRecord {
  payerId: string;
  promptId: string | null;
  promptVersion: number | null;
  /** Our estimate of the prompt's tokens (lib/chat/context.ts roughPromptTokens). */
  promptTokens: number;
  /** The model's price in force now; null for an unpriced model (logged with cost null). */
  price: ModelPrice | null;
  touchCredential: boolean;
  /** The payer's API key that sent the turn (null or absent: the web app). */
  apiKeyId?: string | null;
}

/** The chat's owner (owns the rows) and who sends this turn (the author). */
export interface TurnPeople {
  ownerId: string;
  authorId: string;
}

const sqlState = (error: unknown) => (error as { code?: string } | null)?.code;

export async function writeTurnRows(sql: Sql, people: TurnPeople, inputs: TurnInputs, ids: TurnIds, req: TurnRowsRequest): Promise<void> {
  // `user` is the rows' owner (the session's), `author` who sends this turn.
  const user = { id: people.ownerId };
  const m = inputs.userMessage;
  const u = req.usage;
  const pico = (usdPerMillion: number | undefined) => (usdPerMillion === undefined ? null : picoPerToken(usdPerMillion).toString());
  try {
    // One statement, one round trip (its own transaction): private.write_turn_rows runs the
    // writes in order, each filtered by the session being the owner's.
    const [{ missing }] = await sql<{ missing: string | null }[]>`
      select private.write_turn_rows(
        ${user.id}::uuid, ${people.authorId}::uuid, ${ids.sessionId}::uuid, ${inputs.sessionId === null}::boolean, ${inputs.projectId}::uuid,
        ${titleFromMessage(m.content)}::text, ${jsonbText(req.metadata)}::text::jsonb,
        ${ids.userMessageId}::uuid, ${m.mode !== 'regenerate'}::boolean, ${m.content}::text, ${m.mode === 'regenerate' ? null : m.tokens}::int, ${inputs.parentId}::uuid,
        ${ids.assistantMessageId}::uuid, ${req.provider}::text, ${req.model}::text, ${req.leaseMs / 1000}::float8,
        ${u.payerId}::uuid, ${u.promptId}::uuid, ${u.promptVersion}::int, ${u.promptTokens}::int,
        ${pico(u.price?.input)}::bigint, ${pico(u.price?.output)}::bigint, ${u.touchCredential}::boolean, ${u.apiKeyId ?? null}::uuid,
        ${m.mode === 'regenerate' ? null : (req.clientId ?? null)}::uuid, ${inputs.context.droppedTurns}::int
      ) as missing`;
    if (missing === 'project') throw notFound('Project');
    if (missing) throw notFound('Session');
  } catch (error) {
    // 42501 from messages_guard_author: the author was removed or made a viewer meanwhile.
    if (sqlState(error) === '42501') throw new ApiError(403, 'read_only', 'You can no longer post in this chat');
    if (isSentAgain(error)) throw alreadySent(await sentQuestion(sql, people.authorId, req.clientId!));
    if (sqlState(error) !== '23505') throw error;
    // The session's lock (its one streaming answer) refused the rows. A unique key answers only
    // once the transaction holding it has committed, so a send of this same client id that won
    // the race is stored by now.
    const [running] = await sql<{ id: string }[]>`
      select id from public.messages where session_id = ${ids.sessionId} and user_id = ${user.id} and status = 'streaming' limit 1`;
    if (req.namedRunning) throw answerStartedElsewhere(running?.id ?? null);
    throw await refusedWhileRunning(sql, people.authorId, m.mode === 'regenerate' ? undefined : req.clientId, running?.id ?? null);
  }
}

/**
 * 409 for a send that met the session's running answer: `already_sent` when that answer's
 * question is this very one sent again (two sends of one client id racing: the winner's rows are
 * committed, as the running answer is seen), else `turn_running`.
 */
export async function refusedWhileRunning(sql: Sql, authorId: string, clientId: string | undefined, runningMessageId: string | null): Promise<ApiError> {
  const sent = clientId ? await sentQuestion(sql, authorId, clientId) : null;
  return sent ? alreadySent(sent) : turnRunning(runningMessageId);
}

/** 409 for a send while the session's answer is still running. */
export function turnRunning(runningMessageId: string | null): ApiError {
  return new ApiError(
    409,
    'turn_running',
    'An answer is still being written in this chat; stop it or wait for it to finish',
    undefined,
    { running_message_id: runningMessageId },
  );
}

/**
 * 409 for a regenerate or edit that named the running answer it replaces (or none) and met
 * another: one started since it was shown, such as the same Regenerate pressed on another
 * device a moment before. That answer is not stopped: the client follows it instead.
 */
export function answerStartedElsewhere(runningMessageId: string | null): ApiError {
  return new ApiError(
    409,
    'answer_started_elsewhere',
    'Another answer was started in this chat a moment ago (on another device or by someone else); it is being written now',
    undefined,
    { running_message_id: runningMessageId },
  );
}
