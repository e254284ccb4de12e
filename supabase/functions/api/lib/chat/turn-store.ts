/**
 * The privileged writes and reads of a chat turn. The API roles may not insert or update
 * messages, chat_turns, message_chunks or usage logs (hosted Supabase's Data API would let a
 * user forge them otherwise), so these statements run on the function's owner connection,
 * outside `set local role`, and every one is filtered by the user id verified from the JWT.
 *
 * Owns: checkpoints (append-only units), lease renewal and stop flags (private.chat_turns),
 * the final write (answer, status, tokens, usage log, credential last use), keeping a whole
 * answer and its outcome for the settle when that write keeps failing, settling answers whose
 * process died (with their usage log, from what the turn recorded at its start or at its
 * end), and reading an answer back for a re-attaching view.
 */
import type { Sql, TransactionSql } from 'postgres';
import { callCostUsd } from '../cost.ts';
import { findPrice, type ModelPrice } from '../prices.ts';
import { uuidv7 } from '../uuid7.ts';
import { unpackUnits, type PackedUnits, type Unit } from './units.ts';


/** How long the final write waits for a lock before it fails and is tried again (final-save.ts). */
const FINAL_WRITE_LOCK_TIMEOUT = '2s';
/** How long the final write may run at all before it is cancelled and tried again. */
const FINAL_WRITE_TIMEOUT = '15s';
export type FinalStatus = 'complete' | 'stopped' | 'error';

export interface FinalAnswer {
  messageId: string;
  userId: string;
  sessionId: string;
  /** The whole answer's units, packed (no object per unit while the write waits). */
  units: PackedUnits;
  status: FinalStatus;
  code: string | null;
  errorMessage: string | null;
  reasoningMs: number | null;
  promptTokens: number;
  /** The part of promptTokens the provider served from its prompt cache (billed lower). */
  cachedTokens?: number | null;
  completionTokens: number;
  /** The part of completionTokens the model spent reasoning, as the provider reported it (null: not reported). */
  reasoningTokens?: number | null;
  ttftMs: number | null;
  latencyMs: number;
  providerMessageId: string | null;
  /** The token counts are ours, not the provider's (it reported none). */
  tokensEstimated?: boolean;
  /**
   * payerId: whose key answered (a group chat's member or its owner); defaults to userId, the row owner.
   * apiKeyId: the payer's API key that sent the turn (null or absent: the web app).
   * askedBy: who sent the turn (a member whose turn the owner pays for); defaults to userId.
   */
  usageLog: { provider: string; model: string; promptId: string | null; promptVersion: number | null; touchCredential: boolean; payerId?: string; apiKeyId?: string | null; askedBy?: string };
}

export interface StoredAnswer {
  sessionId: string;
  status: 'streaming' | FinalStatus;
  code: string | null;
  error: string | null;
  provider: string | null;
  model: string | null;
  units: Unit[];
  /** Whether a live process still holds the turn (a streaming row with an unexpired lease). */
  leaseAlive: boolean;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; ttft_ms: number | null; latency_ms: number | null } | null;
}

export class TurnStore {
  /** `owner` gives the function's owner connection (read on first use, not at app start). */
  /** `prices`: the deployment's price table (config.prices); a call's cost is fixed when it is logged. */
  constructor(
    private readonly owner: () => Sql,
    private readonly prices: Record<string, ModelPrice> = {},
  ) {}

  private get sql(): Sql {
    return this.owner();
  }

  /**
   * Appends packed units numbered from firstSeq (a checkpoint). A checkpoint that failed is
   * retried from the same firstSeq with the units streamed since; if the failed one had in fact
   * committed (its answer lost with the connection), the retry's longer row replaces it, so the
   * checkpoints never skip the units in between.
   *
   * The checkpoints never overlap: units that begin inside a row before them (a rewrite from
   * unit 1 committed, but its caller saw an error and did not count it) are not written, so no
   * unit is stored twice and a settle never repeats text.
   *
   * Returns how many units the checkpoints before this one hold; anything but firstSeq − 1 and
   * the caller writes the whole partial answer again (replaceCheckpoints). Fewer: they are
   * gone — the table is unlogged, and a crash of the database empties it. More: the rewrite
   * above.
   */
  async checkpoint(messageId: string, firstSeq: number, packed: PackedUnits): Promise<number> {
    if (packed.units.length === 0) return firstSeq - 1;
    const [row] = await this.sql<{ held: number }[]>`
      with appended as (
        insert into private.message_chunks as c (message_id, first_seq, units, content, reasoning)
        select ${messageId}::uuid, ${firstSeq}::int, ${packed.units}::int[], ${packed.content}::text, ${packed.reasoning}::text
         where not exists (
           select 1 from private.message_chunks e
            where e.message_id = ${messageId} and e.first_seq < ${firstSeq} and e.first_seq + cardinality(e.units) > ${firstSeq})
        on conflict (message_id, first_seq) do update
          set units = excluded.units, content = excluded.content, reasoning = excluded.reasoning
          where cardinality(excluded.units) > cardinality(c.units)
      )
      select coalesce(sum(cardinality(units)), 0)::int as held
        from private.message_chunks where message_id = ${messageId} and first_seq < ${firstSeq}`;
    return row!.held;
  }

  /** Replaces an answer's checkpoints with one holding all its units so far, from unit 1. */
  async replaceCheckpoints(messageId: string, packed: PackedUnits): Promise<void> {
    await this.sql.begin((tx) => writeWholeCheckpoints(tx, messageId, packed));
  }

  /**
   * Writes the whole answer as its checkpoints and, with them, the outcome its final write
   * would have stored (status, error, token counts, timings, cost, the usage row's id) on the
   * turn's row. Used when that write keeps failing: once the lease lapses, the settle
   * (private.settle_abandoned_answers) finishes the answer through private.finish_turn as it
   * ended — `complete` with its usage — provided the checkpoints still hold all its units.
   * Throws when the turn's row is gone (the answer was settled meanwhile, from what its
   * checkpoints held then): nothing would settle the checkpoints written now, so none are.
   */
  async keepWhole(answer: FinalAnswer): Promise<void> {
    const packed = answer.units;
    const { costUsd } = this.billOf(answer);
    await this.sql.begin(async (tx) => {
      await tx`select set_config('lock_timeout', ${FINAL_WRITE_LOCK_TIMEOUT}, true), set_config('statement_timeout', ${FINAL_WRITE_TIMEOUT}, true)`;
      const turn = await tx`
        update private.chat_turns
           set final_units = ${packed.units.length}::int, final_status = ${answer.status}, final_error_code = ${answer.code},
               final_error = ${answer.errorMessage}, final_reasoning_ms = ${answer.reasoningMs}::int,
               final_prompt_tokens = ${answer.promptTokens}::int, final_completion_tokens = ${answer.completionTokens}::int,
               final_cached_tokens = ${answer.cachedTokens ?? null}::int, final_reasoning_tokens = ${answer.reasoningTokens ?? null}::int,
               final_ttft_ms = ${answer.ttftMs}::int, final_latency_ms = ${answer.latencyMs}::int,
               final_provider_message_id = ${answer.providerMessageId?.slice(0, 200) ?? null}, final_cost_usd = ${costUsd}::numeric,
               final_tokens_estimated = ${answer.tokensEstimated ?? false}::boolean, final_log_id = ${uuidv7()}::uuid
         where message_id = ${answer.messageId} and user_id = ${answer.userId}
        returning 1`;
      if (turn.length === 0) throw new Error('the turn was settled meanwhile; its answer is not kept in checkpoints');
      await writeWholeCheckpoints(tx, answer.messageId, packed);
    });
  }

  /** Extends the lease of turns this process runs; returns those asked to stop (and why). */
  async renewLeases(messageIds: string[], leaseMs: number): Promise<{ messageId: string; stopCode: string | null }[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.sql<{ message_id: string; stop_code: string | null }[]>`
      update private.chat_turns
         set lease_expires_at = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
       where message_id = any(${messageIds}::uuid[])
      returning message_id, case when stop_requested_at is not null then coalesce(stop_code, 'stopped_by_user') end as stop_code`;
    return rows.filter((r) => r.stop_code).map((r) => ({ messageId: r.message_id, stopCode: r.stop_code }));
  }

  /** Turns among `messageIds` that were asked to stop (a cheap read, polled often). */
  async stopRequests(messageIds: string[]): Promise<{ messageId: string; stopCode: string }[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.sql<{ message_id: string; stop_code: string | null }[]>`
      select message_id, stop_code from private.chat_turns
       where message_id = any(${messageIds}::uuid[]) and stop_requested_at is not null`;
    return rows.map((r) => ({ messageId: r.message_id, stopCode: r.stop_code ?? 'stopped_by_user' }));
  }

  /** Flags the user's running turn to stop; `alive` says whether a process still holds it. */
  async requestStop(userId: string, messageId: string, code = 'stopped_by_user'): Promise<{ found: boolean; alive: boolean }> {
    const [row] = await this.sql<{ alive: boolean }[]>`
      update private.chat_turns set stop_requested_at = coalesce(stop_requested_at, clock_timestamp()), stop_code = coalesce(stop_code, ${code})
       where message_id = ${messageId} and user_id = ${userId}
      returning lease_expires_at > clock_timestamp() as alive`;
    return { found: Boolean(row), alive: Boolean(row?.alive) };
  }

  /**
   * Records who is stopping a running answer of the user's chat, for everyone in the chat to
   * see once it ends ("Stopped by Ann"). Only while it runs, and only the first stop counts:
   * one that arrives after the end changes nothing.
   */
  async recordStopper(userId: string, messageId: string, stopperId: string): Promise<void> {
    await this.sql`
      update public.messages set stopped_by = ${stopperId}
       where id = ${messageId} and user_id = ${userId} and status = 'streaming' and stopped_by is null`;
  }

  /**
   * Settles the user's answers that no live process holds (expired lease, or no turn row),
   * keeping what their checkpoints hold. Returns the settled message ids.
   */
  async settleAbandoned(
    userId: string,
    where: { sessionId?: string; messageId?: string },
    as: { status: 'error' | 'stopped'; code: string } = { status: 'error', code: 'interrupted' },
  ): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`
      select id from private.settle_abandoned_answers(${userId}::uuid, ${where.sessionId ?? null}::uuid, ${where.messageId ?? null}::uuid,
        ${as.status}, ${as.code}) as id`;
    return rows.map((r) => r.id);
  }

  /**
   * Writes the finished answer and its usage log, and releases the session's lock. A turn that
   * never got its rows (it lost its session's lock) is written here too: only its usage log,
   * in its chat if the chat exists — its provider call was made all the same.
   */
  async finish(answer: FinalAnswer): Promise<void> {
    const packed = answer.units;
    const u = answer.usageLog;
    const { costUsd, payerId } = this.billOf(answer);
    // One statement (private.finish_turn): the answer, the session's lock, the checkpoints and the
    // usage log — a premature settle (the lease lapsed while the database was away) is overwritten,
    // since this process has the whole answer and the checkpoints only part of it. Bounded: a
    // write waiting on a lock (a row held by another transaction) or a slow database fails after
    // FINAL_WRITE_LOCK_TIMEOUT / FINAL_WRITE_TIMEOUT and is tried again (final-save.ts), instead of
    // holding its pooled connection — and every request queued behind it on that connection —
    // for as long as the lock is held.
    await this.sql.begin((tx) => [
      tx`select set_config('lock_timeout', ${FINAL_WRITE_LOCK_TIMEOUT}, true), set_config('statement_timeout', ${FINAL_WRITE_TIMEOUT}, true)`,
      tx`
      select private.finish_turn(
        ${answer.messageId}::uuid, ${answer.userId}::uuid, ${answer.sessionId}::uuid,
        ${packed.content}, ${packed.reasoning}, ${packed.units}::int[],
        ${answer.status}, ${answer.code}, ${answer.errorMessage}, ${answer.reasoningMs}::int,
        ${answer.promptTokens}::int, ${answer.completionTokens}::int, ${answer.cachedTokens ?? null}::int,
        ${answer.ttftMs}::int, ${answer.latencyMs}::int, ${answer.providerMessageId?.slice(0, 200) ?? null},
        ${uuidv7()}::uuid, ${payerId}::uuid, ${u.promptId ?? null}::uuid, ${u.promptVersion ?? null}::int,
        ${u.provider}, ${u.model}, ${costUsd}::numeric, ${u.touchCredential}::boolean, ${answer.tokensEstimated ?? false}::boolean,
        ${u.apiKeyId ?? null}::uuid, ${answer.reasoningTokens ?? null}::int, ${u.askedBy ?? answer.userId}::uuid)`,
    ]);
  }

  /**
   * What the answer's call cost at the deployment's prices, and who pays: the call is logged
   * (and its cost counted) for whoever's key paid; the session and message are the owner's
   * rows, linked for the payer too (they can read them as a member).
   */
  private billOf(answer: FinalAnswer): { costUsd: string | null; payerId: string } {
    const u = answer.usageLog;
    const tokens = { promptTokens: answer.promptTokens, cachedTokens: answer.cachedTokens ?? 0, completionTokens: answer.completionTokens };
    return { costUsd: callCostUsd(findPrice(this.prices, u.provider, u.model), tokens), payerId: u.payerId ?? answer.userId };
  }

  /** The user's answer as stored: final units, or checkpointed units while it streams. */
  async readAnswer(userId: string, messageId: string): Promise<StoredAnswer | null> {
    const [row] = await this.sql<{
      session_id: string; status: StoredAnswer['status']; error_code: string | null; error: string | null; provider: string | null; model: string | null;
      content: string; reasoning: string; stream_units: number[] | null; lease_alive: boolean | null;
      prompt_tokens: number | null; completion_tokens: number | null; ttft_ms: number | null; latency_ms: number | null;
    }[]>`
      select m.session_id, m.status, m.error_code, m.error, m.provider, m.model, m.content, m.reasoning, m.stream_units,
             m.prompt_tokens, m.completion_tokens, m.ttft_ms, m.latency_ms,
             (select t.lease_expires_at > clock_timestamp() from private.chat_turns t where t.message_id = m.id) as lease_alive
        from public.messages m
       where m.id = ${messageId} and m.user_id = ${userId} and m.sender = 'assistant'`;
    if (!row) return null;
    let units: Unit[];
    if (row.status === 'streaming') {
      const chunks = await this.sql<{ first_seq: number; units: number[]; content: string; reasoning: string }[]>`
        select first_seq, units, content, reasoning from private.message_chunks where message_id = ${messageId} order by first_seq`;
      // Each unit once, in order, should rows ever overlap (TurnStore.checkpoint writes none that do).
      units = [];
      for (const chunk of chunks) {
        for (const unit of unpackUnits(chunk, chunk.first_seq)) if (unit.seq > (units.at(-1)?.seq ?? 0)) units.push(unit);
      }
    } else {
      units = unpackUnits({ units: row.stream_units ?? (row.content ? [row.content.length] : []), content: row.content, reasoning: row.reasoning });
    }
    const finished = row.status !== 'streaming';
    return {
      sessionId: row.session_id,
      status: row.status,
      code: row.error_code,
      error: row.error,
      provider: row.provider,
      model: row.model,
      units,
      leaseAlive: Boolean(row.lease_alive),
      usage: finished
        ? {
            prompt_tokens: row.prompt_tokens ?? 0,
            completion_tokens: row.completion_tokens ?? 0,
            total_tokens: (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0),
            ttft_ms: row.ttft_ms,
            latency_ms: row.latency_ms,
          }
        : null,
    };
  }
}

/** Replaces an answer's checkpoints with one row holding all the given units, from unit 1. */
async function writeWholeCheckpoints(tx: TransactionSql, messageId: string, packed: PackedUnits): Promise<void> {
  await tx`delete from private.message_chunks where message_id = ${messageId}`;
  if (packed.units.length === 0) return;
  await tx`
    insert into private.message_chunks (message_id, first_seq, units, content, reasoning)
    values (${messageId}, 1, ${packed.units}::int[], ${packed.content}, ${packed.reasoning})`;
}
