/**
 * What a chat turn writes, always as the caller (RLS): before the provider is called, the
 * session (created with a title when new), the user message (new, edited, or the one being
 * regenerated) and an empty `streaming` assistant row; while it streams, the growing answer
 * at most every ~250 ms so other devices watch it; at the end, the final content, status
 * and token counts, a prompt_usage_logs row, and the credential's last_used_at.
 */
import type { TransactionSql } from 'postgres';
import { countTokens } from 'gpt-tokenizer';
import type { AuthUser } from '../context.ts';
import type { Db } from '../db.ts';
import { ApiError, notFound } from '../errors.ts';
import type { Logger } from '../log.ts';
import { buildContext, titleFromMessage, type BuiltContext, type ChatTurn } from './context.ts';
import { loadSystemPrompt } from './system-prompt.ts';

export interface TurnRequest {
  sessionId?: string;
  projectId?: string;
  message?: string;
  provider: string;
  model: string;
  promptId?: string;
  promptLabel?: string;
  promptVersion?: number;
  variables: Record<string, string | number | boolean>;
  temperature?: number;
  regenerate: boolean;
  editMessageId?: string;
  contextWindow: number;
  reservedForAnswer: number;
}

export interface PreparedTurn {
  sessionId: string;
  userMessageId: string;
  assistantMessageId: string;
  context: BuiltContext;
  prompt: { id: string; version: number } | null;
}

// How much history to read at most before fitting it to the window.
const HISTORY_LIMIT = 400;

export async function prepareTurn(sql: TransactionSql, user: AuthUser, req: TurnRequest): Promise<PreparedTurn> {
  const metadata = {
    provider: req.provider,
    model: req.model,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.promptId ? { prompt: { id: req.promptId, label: req.promptLabel ?? null, version: req.promptVersion ?? null } } : {}),
  };

  let session: { id: string; project_id: string | null };
  if (req.sessionId) {
    const [row] = await sql<{ id: string; project_id: string | null }[]>`
      update public.chat_sessions set metadata = metadata || ${sql.json(metadata)}
       where id = ${req.sessionId} returning id, project_id`;
    if (!row) throw notFound('Session');
    session = row;
  } else {
    if (req.regenerate || req.editMessageId) throw new ApiError(400, 'invalid_request', 'session_id: required to regenerate or edit');
    if (req.projectId) {
      const [project] = await sql`select id from public.projects where id = ${req.projectId}`;
      if (!project) throw notFound('Project');
    }
    const [row] = await sql<{ id: string; project_id: string | null }[]>`
      insert into public.chat_sessions (user_id, project_id, title, metadata)
      values (${user.id}, ${req.projectId ?? null}, ${titleFromMessage(req.message ?? '')}, ${sql.json(metadata)})
      returning id, project_id`;
    session = row;
  }

  // The user message this answer replies to.
  let userMessage: { id: string; content: string };
  if (req.regenerate) {
    const [last] = await sql<{ id: string; content: string }[]>`
      select id, content from public.messages
       where session_id = ${session.id} and sender = 'user'
       order by created_at desc, id desc limit 1`;
    if (!last) throw new ApiError(409, 'conflict', 'There is no message to regenerate an answer for');
    userMessage = last;
  } else if (req.editMessageId) {
    const [edited] = await sql<{ id: string; content: string }[]>`
      update public.messages set content = ${req.message ?? ''}, token_count = ${countTokens(req.message ?? '')}
       where id = ${req.editMessageId} and session_id = ${session.id} and sender = 'user'
       returning id, content`;
    if (!edited) throw notFound('Message');
    userMessage = edited;
  } else {
    const [inserted] = await sql<{ id: string; content: string }[]>`
      insert into public.messages (session_id, user_id, sender, content, status, token_count)
      values (${session.id}, ${user.id}, 'user', ${req.message ?? ''}, 'complete', ${countTokens(req.message ?? '')})
      returning id, content`;
    userMessage = inserted;
  }
  if (req.regenerate || req.editMessageId) {
    // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
    // Everything after the replied-to message goes: the old answer(s), and for an edit the rest of the thread.
    await sql`
      delete from public.messages
       where session_id = ${session.id}
         and (created_at, id) > (select m.created_at, m.id from public.messages m where m.id = ${userMessage.id})`;
  }

  const history = await sql<{ sender: 'user' | 'assistant'; content: string }[]>`
    select sender, content from (
      select sender, content, created_at, id from public.messages
       where session_id = ${session.id} and sender in ('user', 'assistant') and content <> ''
         and (created_at, id) < (select m.created_at, m.id from public.messages m where m.id = ${userMessage.id})
       order by created_at desc, id desc limit ${HISTORY_LIMIT}
    ) recent order by created_at, id`;

  const system = await loadSystemPrompt(sql, {
    userId: user.id,
    chosen: req.promptId ? { promptId: req.promptId, label: req.promptLabel, version: req.promptVersion } : null,
    projectId: session.project_id,
    variables: req.variables,
  });
  const context = buildContext({
    system: system.parts,
    history: history.map((h): ChatTurn => ({ role: h.sender, content: h.content })),
    userMessage: userMessage.content,
    contextWindow: req.contextWindow,
    reservedForAnswer: req.reservedForAnswer,
  });

  const [assistant] = await sql<{ id: string }[]>`
    insert into public.messages (session_id, user_id, sender, content, status, provider, model)
    values (${session.id}, ${user.id}, 'assistant', '', 'streaming', ${req.provider}, ${req.model})
    returning id`;
  return { sessionId: session.id, userMessageId: userMessage.id, assistantMessageId: assistant.id, context, prompt: system.prompt };
}

export interface TurnOutcome {
  status: 'complete' | 'stopped' | 'error';
  error?: { code: string; message: string };
  promptTokens: number | null;
  completionTokens: number | null;
  ttftMs: number | null;
  latencyMs: number;
  providerMessageId: string | null;
}

const FLUSH_INTERVAL_MS = 250;

/** Writes the growing answer at most every 250 ms, then the final state. */
export class AssistantWriter {
  content = '';
  private lastFlush = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly user: AuthUser,
    private readonly turn: PreparedTurn & { provider: string; model: string; hasStoredCredential: boolean },
    private readonly log: Logger,
  ) {}

  append(text: string) {
    this.content += text;
    if (this.timer) return;
    const wait = Math.max(0, FLUSH_INTERVAL_MS - (Date.now() - this.lastFlush));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastFlush = Date.now();
      const snapshot = this.content;
      this.chain = this.chain.then(() => this.writeProgress(snapshot));
    }, wait);
  }

  private async writeProgress(content: string) {
    try {
      await this.db.withUserTransaction(this.user, (sql) => sql`
        update public.messages set content = ${content} where id = ${this.turn.assistantMessageId} and status = 'streaming'`);
    } catch (error) {
      // A missed progress write only delays what other devices see; the final write follows.
      this.log.warn('chat progress write failed', { message: error instanceof Error ? error.message : String(error) });
    }
  }

  async finish(outcome: TurnOutcome) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
    const completion = outcome.completionTokens ?? (this.content ? countTokens(this.content) : 0);
    const prompt = outcome.promptTokens ?? this.turn.context.promptTokens;
    const t = this.turn;
    await this.db.withUserTransaction(this.user, async (sql) => {
      const saved = await sql`
        update public.messages
           set content = ${this.content}, status = ${outcome.status}, error = ${outcome.error?.message ?? null},
               token_count = ${completion}, prompt_tokens = ${prompt}, completion_tokens = ${completion},
               ttft_ms = ${outcome.ttftMs}, latency_ms = ${outcome.latencyMs},
               provider_message_id = ${outcome.providerMessageId?.slice(0, 200) ?? null}
         where id = ${t.assistantMessageId} returning id`;
      // The chat may have been deleted (on another device) while it streamed; the call is still logged.
      const kept = saved.length > 0;
      await sql`
        insert into public.prompt_usage_logs
          (user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
           ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code)
        values (${this.user.id}, ${t.prompt?.id ?? null}, ${t.prompt?.version ?? null}, ${kept ? t.sessionId : null}, ${kept ? t.assistantMessageId : null},
                ${t.provider}, ${t.model}, ${outcome.status === 'complete' ? 'success' : outcome.status},
                ${outcome.ttftMs}, ${outcome.latencyMs}, ${prompt}, ${completion}, ${prompt + completion}, ${outcome.error?.code ?? null})`;
      if (t.hasStoredCredential) {
        await sql`update public.api_credentials set last_used_at = now() where user_id = ${this.user.id} and provider = ${t.provider}`;
      }
    });
    return { promptTokens: prompt, completionTokens: completion };
  }
}

/** How long a `streaming` answer may go unwritten before it counts as abandoned: longer than
 * the provider's idle timeout (after which a live stream always finishes), plus slack. */
export const abandonedAfterMs = (providerTimeoutMs: number) => providerTimeoutMs + 15_000;

/**
 * An answer still `streaming` long after its last write lost the process writing it (killed or
 * redeployed mid-answer). Settle it as an error, keeping what arrived, so no device shows it
 * growing forever and the user can regenerate. Runs as the caller, within their session.
 */
export async function settleAbandonedAnswers(sql: TransactionSql, sessionId: string, staleAfterMs: number): Promise<void> {
  await sql`
    update public.messages
       set status = 'error', error = 'The answer was interrupted before it finished; regenerate to try again'
     where session_id = ${sessionId} and status = 'streaming'
       and updated_at < clock_timestamp() - make_interval(secs => ${staleAfterMs / 1000})`;
}
