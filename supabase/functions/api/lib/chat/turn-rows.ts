/**
 * Writes the rows a turn starts with, in one privileged transaction (the API roles may not
 * write messages), every statement filtered by the session owner's id: the session (created,
 * or its settings updated), the user message (new, or for an edit a new sibling of the edited
 * one; regenerate writes none), the assistant row with status `streaming` under it, and the
 * turn's lock and lease in private.chat_turns. Nothing is deleted: the session's active leaf
 * moves to the new answer (a trigger on messages), and older versions stay as siblings. The
 * lock is the unique session_id in chat_turns (and the unique streaming row per session): a
 * second turn in a running session fails with 409 turn_running, whichever participant started
 * the first. In a group chat the rows are the owner's and the author (question and answer) is
 * the member who sent it; the database refuses an author who may not post
 * (messages_guard_author), which surfaces as 403 here.
 */
import type { Sql } from 'postgres';
import { ApiError, notFound } from '../errors.ts';
import { titleFromMessage } from './context.ts';
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
  const author = people.authorId;
  try {
    await sql.begin(async (tx) => {
      // One round trip: the statements are pipelined (sent together, run in order). Every
      // insert is guarded by the session being the caller's, so nothing lands in someone
      // else's; a missing session, project or message then throws and rolls back.
      const owned = tx`exists (select 1 from public.chat_sessions s where s.id = ${ids.sessionId} and s.user_id = ${user.id})`;
      const m = inputs.userMessage;
      // A member's turn leaves the owner's chat settings as they are.
      const session = inputs.sessionId
        ? author === user.id
          ? tx`
            update public.chat_sessions set metadata = metadata || ${tx.json(req.metadata as never)}
             where id = ${ids.sessionId} and user_id = ${user.id} returning id`
          : tx`select id from public.chat_sessions where id = ${ids.sessionId} and user_id = ${user.id}`
        : tx`
            insert into public.chat_sessions (id, user_id, project_id, title, metadata)
            select ${ids.sessionId}, ${user.id}, p.id, ${titleFromMessage(m.content)}, ${tx.json(req.metadata as never)}
              from (select 1) one
              left join public.projects p on p.id = ${inputs.projectId}::uuid and p.user_id = ${user.id}
             where ${inputs.projectId}::uuid is null or p.id is not null
            returning id`;
      // A question without a parent in an existing session is an edit of its first message:
      // a new first message, which the database would otherwise thread under the active leaf.
      const root = inputs.sessionId && m.mode !== 'regenerate' && inputs.parentId === null
        ? tx`select set_config('mrprompt.root_message', ${ids.userMessageId}, true)`
        : tx`select 1`;
      const question =
        m.mode === 'regenerate'
          ? tx`select ${m.id}::uuid as id`
          : tx`
              insert into public.messages (id, session_id, user_id, author_id, sender, content, status, token_count, parent_id)
              select ${ids.userMessageId}, ${ids.sessionId}, ${user.id}, ${author}, 'user', ${m.content}, 'complete', ${m.tokens}, ${inputs.parentId}::uuid
               where ${owned}
              returning id`;
      const answer = tx`
        insert into public.messages (id, session_id, user_id, author_id, sender, content, status, provider, model, parent_id)
        select ${ids.assistantMessageId}, ${ids.sessionId}, ${user.id}, ${author}, 'assistant', '', 'streaming', ${req.provider}, ${req.model}, ${ids.userMessageId}::uuid
         where ${owned}`;
      const lock = tx`
        insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at)
        select ${ids.assistantMessageId}, ${ids.sessionId}, ${user.id}, clock_timestamp() + make_interval(secs => ${req.leaseMs / 1000}) where ${owned}`;
      const [sessionRows, , questionRows] = await Promise.all([session, root, question, answer, lock]);
      if (sessionRows.length === 0) throw notFound(inputs.sessionId ? 'Session' : 'Project');
      if (questionRows.length === 0) throw notFound('Message');
    });
  } catch (error) {
    // 42501 from messages_guard_author: the author was removed or made a viewer meanwhile.
    if (sqlState(error) === '42501') throw new ApiError(403, 'read_only', 'You can no longer post in this chat');
    if (sqlState(error) !== '23505') throw error;
    const [running] = await sql<{ id: string }[]>`
      select id from public.messages where session_id = ${ids.sessionId} and user_id = ${user.id} and status = 'streaming' limit 1`;
    throw turnRunning(running?.id ?? null);
  }
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
