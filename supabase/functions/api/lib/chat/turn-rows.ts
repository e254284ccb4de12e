/**
 * Writes the rows a turn starts with, in one privileged transaction (the API roles may not
 * write messages), every statement filtered by the verified user id: the session (created,
 * or its settings updated), the user message (new or edited; for regenerate and edit what
 * followed it goes), the assistant row with status `streaming`, and the turn's lock and
 * lease in private.chat_turns. The lock is the unique session_id there (and the unique
 * streaming row per session): a second turn in a running session fails with 409 turn_running.
 */
import type { Sql } from 'postgres';
import type { AuthUser } from '../context.ts';
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

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';

export async function writeTurnRows(sql: Sql, user: AuthUser, inputs: TurnInputs, ids: TurnIds, req: TurnRowsRequest): Promise<void> {
  try {
    await sql.begin(async (tx) => {
      if (inputs.sessionId) {
        const [row] = await tx`
          update public.chat_sessions set metadata = metadata || ${tx.json(req.metadata as never)}
           where id = ${ids.sessionId} and user_id = ${user.id} returning id`;
        if (!row) throw notFound('Session');
      } else {
        const [row] = await tx`
          insert into public.chat_sessions (id, user_id, project_id, title, metadata)
          select ${ids.sessionId}, ${user.id}, p.id, ${titleFromMessage(inputs.userMessage.content)}, ${tx.json(req.metadata as never)}
            from (select 1) one
            left join public.projects p on p.id = ${inputs.projectId}::uuid and p.user_id = ${user.id}
           where ${inputs.projectId}::uuid is null or p.id is not null
          returning id`;
        if (!row) throw notFound('Project');
      }

      const m = inputs.userMessage;
      if (m.mode === 'new') {
        await tx`
          insert into public.messages (id, session_id, user_id, sender, content, status, token_count)
          values (${ids.userMessageId}, ${ids.sessionId}, ${user.id}, 'user', ${m.content}, 'complete', ${m.tokens})`;
      } else {
        if (m.mode === 'edit') {
          const [edited] = await tx`
            update public.messages set content = ${m.content}, token_count = ${m.tokens}
             where id = ${m.id} and session_id = ${ids.sessionId} and user_id = ${user.id} and sender = 'user' returning id`;
          if (!edited) throw notFound('Message');
        }
        // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
        await tx`
          delete from public.messages
           where session_id = ${ids.sessionId} and user_id = ${user.id}
             and (created_at, id) > (select x.created_at, x.id from public.messages x where x.id = ${m.id})`;
      }

      await tx`
        insert into public.messages (id, session_id, user_id, sender, content, status, provider, model)
        values (${ids.assistantMessageId}, ${ids.sessionId}, ${user.id}, 'assistant', '', 'streaming', ${req.provider}, ${req.model})`;
      await tx`
        insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at)
        values (${ids.assistantMessageId}, ${ids.sessionId}, ${user.id}, clock_timestamp() + make_interval(secs => ${req.leaseMs / 1000}))`;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
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
