/**
 * A running chat turn: a server-side job, not a connection. It owns the provider call, the
 * numbered stream units, and everything that happens to them, in this order:
 *
 *  1. start(): the provider call begins at once — before the user message is committed
 *     (`persisted`); the first text is a unit at once, later text as soon as the broadcast
 *     outbox can carry it (at once when it is idle, at the latest 50 ms later: unit-batcher.ts);
 *  2. every unit goes to the open views (SSE, any number, attach/detach at will) and, once
 *     the rows exist, to Realtime Broadcast on `session:<id>` (whose channel the broadcaster
 *     joins when the rows exist and holds open until `done`: turn-fanout.ts);
 *  3. a checkpoint of new units at most every `checkpointMs` (2 s) keeps the partial safe from
 *     this process dying (in an unlogged table: a crash of the database empties it, and the
 *     next checkpoint then writes every unit so far again — but no checkpoint follows the
 *     last one, so until the final write this process may hold the only copy);
 *  4. stop(code) — the Stop button (any process, through the registry), the wall-clock
 *     budget, or shutdown — aborts the provider within the event loop's next turn;
 *  5. the end: the answer, status, tokens and usage log are written once (TurnStore.finish,
 *     kept trying through a database outage: final-save.ts; a call the provider refused with
 *     a status before any text is logged with 0 tokens, $0),
 *     views get usage + done (or error), broadcast gets done; a write that fails once or takes
 *     longer than SAVING_NOTICE_MS first tells them `saving` (the text is whole, nothing to stop). A turn whose rows were never
 *     written (it lost its session's lock) is stopped at once and its call still logged.
 *
 * Should the process die before 5, the database settles the answer from its checkpoints and
 * logs the call from what the rows recorded at the start (private.settle_abandoned_answers):
 * all of it but the last interval's units, unless the database crashed meanwhile and the
 * process died before its checkpoints were whole again.
 *
 * Closing a view never stops the turn.
 */
import type { Logger } from '../log.ts';
import type { Broadcaster } from '../realtime-broadcast.ts';
import { sessionTopic } from '../realtime-broadcast.ts';
import { rowQuotaReached } from '../db-errors.ts';
import { countTokensPaced } from '../tokens.ts';
import type { ChatTurn } from './context.ts';
import { fittingPart, MAX_ANSWER_CHARS, MAX_ANSWER_PIECES, storableText } from './answer-limits.ts';
import { saveFinal } from './final-save.ts';
import { describeProviderError, mayHaveBeenBilled, type ChatError } from './provider-errors.ts';
import { streamProvider, type ProviderEndpoint } from './provider-stream.ts';
import type { FinalAnswer, FinalStatus, TurnStore } from './turn-store.ts';
import { TurnFanout } from './turn-fanout.ts';
import { UnitBatcher } from './unit-batcher.ts';
import { packTexts, type Unit, type UnitKind } from './units.ts';

export interface TurnUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  ttft_ms: number | null;
  latency_ms: number | null;
}

export interface TurnEnd {
  status: FinalStatus;
  /** Why it stopped or failed: stopped_by_user, wall_clock_limit, answer_too_long, provider codes, save_failed… */
  code: string | null;
  error: ChatError | null;
  finishReason: string | null;
  usage: TurnUsage | null;
}

/**
 * `saving`: the provider's answer is whole, but its final write is still waiting (the database
 * is slow or away: final-save.ts) — nothing is left to stop, and the end follows once it is written.
 */
export type TurnEvent = { type: 'unit'; unit: Unit } | { type: 'saving' } | { type: 'end'; end: TurnEnd };

/** After this long without the final write done, views and devices are told the answer is being saved. */
export const SAVING_NOTICE_MS = 1_000;

/** What failed, for an answer that ended as `error` (null for any other end): what views and devices are told. */
export function failureOf(end: TurnEnd): ChatError | null {
  return end.status === 'error' ? end.error ?? { code: end.code ?? 'error', message: 'The answer failed' } : null;
}

export interface TurnOptions {
  messageId: string;
  sessionId: string;
  userId: string;
  endpoint: ProviderEndpoint;
  providerName: string;
  /** The base URL when the user chose it (custom, Ollama): a 404 then asks whether it lacks /v1. */
  userBaseUrl?: string | null;
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** Our prompt-size estimate, asked for only when the provider reports no usage. */
  estimatePromptTokens: () => Promise<number>;
  usageLog: FinalAnswer['usageLog'];
  store: TurnStore;
  broadcaster: Broadcaster;
  /** The session's channel (default `session:<id>`; see sessionTopic for group chats). */
  topic?: string;
  log: Logger;
  providerTimeoutMs: number;
  checkpointMs: number;
  /** Stop with `wall_clock_limit` after this long (0: never). */
  maxDurationMs: number;
  /** How long the final write is tried while the database is away (final-save.ts). */
  finalSaveMs: number;
  /** Runs once the answer is saved, before views and devices hear the end (errors ignored). */
  beforeEnd?: (end: TurnEnd) => Promise<void>;
}

/** Our own count of a turn's output, answer and reasoning (each counted apart: no joined copy). */
async function countOutput(content: string, reasoning: string): Promise<number> {
  return (content ? await countTokensPaced(content) : 0) + (reasoning ? await countTokensPaced(reasoning) : 0);
}

/** Why the provider call was aborted on purpose. */
export class TurnStop extends Error {
  constructor(readonly code: string) {
    super(`turn stopped: ${code}`);
    this.name = 'TurnStop';
  }
}

export class Turn {
  /**
   * The units so far, unit `seq` at index seq − 1: their texts and kinds in two arrays rather
   * than an object per unit (a turn holds every unit until it ends, a thousand turns at once);
   * Unit objects are made when a view or a write asks for them.
   */
  private readonly texts: string[] = [];
  private readonly kinds: UnitKind[] = [];
  end: TurnEnd | null = null;
  readonly ended: Promise<TurnEnd>;
  private resolveEnded!: (end: TurnEnd) => void;
  /**
   * Settles once the provider has answered the request (status and headers) — the request has
   * left and been read — or the call ended without an answer (refused, aborted, failed).
   */
  readonly answered: Promise<void>;
  private resolveAnswered!: () => void;
  private readonly listeners = new Set<(event: TurnEvent) => void>();
  private readonly abort = new AbortController();
  private readonly batcher: UnitBatcher;
  private checkpointed = 0;
  private checkpointing: Promise<void> = Promise.resolve();
  /** Characters of each kind and pieces of text taken so far (answer-limits.ts). */
  private readonly taken = { content: 0, reasoning: 0, pieces: 0 };
  /** The answer is whole and waits for its final write (views were told: `saving`). */
  private saving = false;
  private firstReasoningAt: number | null = null;
  private firstContentAt: number | null = null;
  /** Units and `done` to other devices, on the session's channel, once the rows exist. */
  private readonly fanout: TurnFanout;

  constructor(readonly options: TurnOptions) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.answered = new Promise((resolve) => (this.resolveAnswered = resolve));
    this.fanout = new TurnFanout(options.broadcaster, options.topic ?? sessionTopic(options.sessionId), options.messageId);
    const topic = this.fanout.topic;
    this.batcher = new UnitBatcher((cut) => options.broadcaster.whenReady(cut, topic), (kind, text) => this.addUnit(kind, text));
  }

  get messageId() {
    return this.options.messageId;
  }

  /**
   * Starts the provider call now with the prompt `messages`; `persisted` resolves once the turn's
   * rows are committed. The turn lets the messages go once the request is built: a prompt (a
   * long history, images as data URLs) is not held for the whole answer.
   */
  start(persisted: Promise<void>, messages: ChatTurn[]): void {
    void this.run(persisted, messages).catch((error) => {
      this.options.log.error('chat turn failed', { message: String(error) });
      this.fanout.release();
    });
  }

  /** Aborts the provider call; the partial answer is kept with status stopped and `code`. */
  stop(code = 'stopped_by_user'): void {
    if (!this.abort.signal.aborted) this.abort.abort(new TurnStop(code));
  }

  /** Calls `listener` with every unit after `afterSeq`, then live units and the end. */
  subscribe(afterSeq: number, listener: (event: TurnEvent) => void): () => void {
    // Unit `seq` sits at index seq − 1: the replay starts right after `afterSeq`.
    for (let i = Math.max(0, Math.floor(afterSeq)); i < this.texts.length; i++) listener({ type: 'unit', unit: this.unitAt(i) });
    if (this.end) {
      listener({ type: 'end', end: this.end });
      return () => {};
    }
    if (this.saving) listener({ type: 'saving' });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TurnEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.warn('chat view failed', { message: String(error) });
      }
    }
  }

  /**
   * Provider text joins the pending unit; the batcher cuts it when the live feed can take it.
   * Only what the database can store is taken: NUL as U+FFFD, and up to the answer's limits,
   * where the turn stops with `answer_too_long` (answer-limits.ts).
   */
  private onText(kind: UnitKind, raw: string) {
    if (this.abort.signal.aborted) return;
    const room = MAX_ANSWER_CHARS - this.taken[kind];
    const text = fittingPart(storableText(raw), room);
    const full = text.length < raw.length || ++this.taken.pieces >= MAX_ANSWER_PIECES;
    this.taken[kind] += text.length;
    if (text) this.take(kind, text);
    if (full) this.stop('answer_too_long');
  }

  private take(kind: UnitKind, text: string) {
    const now = performance.now();
    if (kind === 'reasoning') this.firstReasoningAt ??= now;
    else this.firstContentAt ??= now;
    this.batcher.add(kind, text);
  }

  private addUnit(kind: UnitKind, text: string) {
    this.texts.push(text);
    this.kinds.push(kind);
    this.emit({ type: 'unit', unit: this.unitAt(this.texts.length - 1) });
    this.fanout.send(this.texts, this.kinds);
  }

  private unitAt(i: number): Unit {
    return { seq: i + 1, kind: this.kinds[i]!, text: this.texts[i]! };
  }

  private checkpoint(): Promise<void> {
    this.checkpointing = this.checkpointing.then(async () => {
      const from = this.checkpointed;
      const to = this.texts.length;
      if (to === from) return;
      try {
        const held = await this.options.store.checkpoint(this.messageId, from + 1, packTexts(this.texts, this.kinds, from));
        // The rows before this checkpoint should hold exactly units 1 … from. Fewer: they are
        // gone (the database crashed and emptied their unlogged table). More: a rewrite from
        // unit 1 committed but its answer was lost, so it was not counted, and this checkpoint's
        // units overlap it (TurnStore.checkpoint then leaves them out). Either way all units
        // so far are written again, so a settle from them keeps each unit once, in order.
        if (held !== from) await this.options.store.replaceCheckpoints(this.messageId, packTexts(this.texts, this.kinds, 0, to));
        this.checkpointed = to;
      } catch (error) {
        // The next checkpoint retries the same units; the final write does not depend on it.
        this.options.log.warn('chat checkpoint failed', { message: error instanceof Error ? error.message : String(error) });
      }
    });
    return this.checkpointing;
  }

  private async run(persisted: Promise<void>, prompt: ChatTurn[]) {
    const o = this.options;
    const started = performance.now();
    const wallClock = o.maxDurationMs > 0 ? setTimeout(() => this.stop('wall_clock_limit'), o.maxDurationMs) : undefined;
    let checkpoints: ReturnType<typeof setInterval> | undefined;
    // The rows are written in parallel with the provider call; checkpoints and broadcast wait for them.
    let rowsRefused: unknown = null;
    const rows = persisted.then(
      () => {
        this.fanout.begin(this.texts, this.kinds);
        checkpoints = setInterval(() => void this.checkpoint(), o.checkpointMs);
        return true;
      },
      (refusal: unknown) => {
        rowsRefused = refusal;
        this.stop('not_started');
        return false;
      },
    );

    let status: FinalStatus = 'complete';
    let code: string | null = null;
    let error: ChatError | null = null;
    let result: Awaited<ReturnType<typeof streamProvider>> | null = null;
    try {
      const call = { endpoint: o.endpoint, model: o.model, messages: prompt, temperature: o.temperature, maxTokens: o.maxTokens, timeoutMs: o.providerTimeoutMs, signal: this.abort.signal };
      prompt = [];
      const streaming = streamProvider(call, { onText: (kind, text) => this.onText(kind, text), onActivity: () => {}, onAnswer: this.resolveAnswered });
      // streamProvider has built the request body before returning (see there): let the prompt go.
      call.messages = [];
      result = await streaming;
    } catch (thrown) {
      if (thrown instanceof TurnStop) {
        status = 'stopped';
        code = thrown.code;
      } else {
        status = 'error';
        error = describeProviderError(thrown, { providerName: o.providerName, userBaseUrl: o.userBaseUrl, model: o.model, apiKey: o.endpoint.apiKey, timeoutMs: o.providerTimeoutMs });
        code = error.code;
        o.log.warn('chat provider failed', { code: error.code, model: o.model });
      }
    } finally {
      this.resolveAnswered();
      clearTimeout(wallClock);
    }
    this.batcher.cut(true);
    const latencyMs = Math.round(performance.now() - started);
    const ttftMs = this.firstContentAt === null && this.firstReasoningAt === null
      ? null
      : Math.round(Math.min(this.firstContentAt ?? Infinity, this.firstReasoningAt ?? Infinity) - started);
    const reasoningMs = this.firstReasoningAt === null ? null : Math.round((this.firstContentAt ?? performance.now()) - this.firstReasoningAt);

    const hasRows = await rows;
    clearInterval(checkpoints);

    const units = packTexts(this.texts, this.kinds);
    const content = units.content;
    // The provider's counts (the stream's usage chunk); ours only where it sent none (a stop,
    // the wall-clock cut, a failure): then the answer and the reasoning, which providers bill as output.
    // A call refused with a status (401, 429, 5xx…) or never delivered, before any text, was not
    // billed: no tokens and $0, as the gateway logs it (mayHaveBeenBilled), so the budget counts nothing.
    const reported = result?.usage;
    const refused = status === 'error' && !reported && !content && !units.reasoning && !mayHaveBeenBilled(code ?? '');
    const completionTokens = reported?.completion_tokens ?? (content || units.reasoning ? await countOutput(content, units.reasoning) : 0);
    const promptTokens = reported?.prompt_tokens ?? (refused ? 0 : await o.estimatePromptTokens());
    const usage: TurnUsage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, ttft_ms: ttftMs, latency_ms: latencyMs };
    const final: FinalAnswer = {
      messageId: this.messageId, userId: o.userId, sessionId: o.sessionId, units, status, code,
      errorMessage: error?.message ?? null, reasoningMs, promptTokens, completionTokens, ttftMs, latencyMs,
      cachedTokens: reported?.prompt_tokens_details?.cached_tokens ?? null,
      reasoningTokens: reported?.completion_tokens_details?.reasoning_tokens ?? null,
      tokensEstimated: !refused && (reported?.prompt_tokens == null || reported?.completion_tokens == null),
      providerMessageId: result?.providerMessageId ?? null, usageLog: o.usageLog,
    };
    if (!hasRows) {
      // No rows (the session's lock was taken meanwhile: 409 turn_running; or the chat went), but
      // the provider call had started with them and was aborted at once: it is logged for its
      // payer all the same (TurnStore.finish writes only the log when there is no answer row).
      // Views hear the end at once; the turn ends (the runtime keeps it until then) once that is written.
      // A row quota (a new chat past the chats allowed) says so: sending again would not help.
      const quota = rowQuotaReached(rowsRefused);
      const failure: ChatError = quota
        ? { code: quota.code, message: `Your message was not saved: ${quota.message}` }
        : { code: 'not_started', message: 'Your message was not saved (the chat could not be stored); send it again' };
      const end: TurnEnd = { status: 'error', code: failure.code, error: failure, finishReason: null, usage: null };
      this.announce(end);
      await saveFinal({ ...final, status: 'error', code: failure.code, errorMessage: failure.message }, this.finalSave(false));
      return this.resolveEnded(end);
    }
    const end: TurnEnd = { status, code, error, finishReason: result?.finishReason ?? null, usage };
    // A final write that fails, or takes longer than a moment, leaves a whole answer showing as
    // still streaming, with a Stop that can do nothing: views and devices are told it is being saved.
    const slowSave = setTimeout(() => this.announceSaving(), SAVING_NOTICE_MS);
    await this.checkpointing;
    const saved = await saveFinal(final, { ...this.finalSave(true), onRetry: () => this.announceSaving() });
    clearTimeout(slowSave);
    if (o.beforeEnd) await o.beforeEnd(end).catch(() => {});
    // `kept`: the database took the whole answer as its checkpoints, with its outcome, and once
    // the lease lapses it is settled from them as it ended, with its usage — so the views are
    // told how it ended, not that it was lost. `unsaved`: the database stayed away for the whole
    // window (a crash may have emptied the checkpoints: the views have the only copy), or
    // refused the answer for what it holds (its text alone is kept, settled as interrupted).
    if (saved === 'kept') this.options.log.warn('chat final write given up; the answer is kept in its checkpoints', { message_id: this.messageId });
    if (saved === 'unsaved') {
      return this.finishWith({ status: 'error', code: 'save_failed', error: { code: 'save_failed', message: 'The answer could not be saved; copy it before leaving this page.' }, finishReason: null, usage });
    }
    this.finishWith(end);
  }

  private finalSave(hasRows: boolean) {
    return { store: this.options.store, log: this.options.log, windowMs: this.options.finalSaveMs, hasRows };
  }

  private finishWith(end: TurnEnd) {
    this.announce(end);
    this.resolveEnded(end);
  }

  /** Views and other devices hear that the answer is whole and waits for its final write (once). */
  private announceSaving() {
    if (this.saving || this.end) return;
    this.saving = true;
    this.fanout.saving(this.texts.length);
    this.emit({ type: 'saving' });
  }

  /** Views and other devices hear the end. */
  private announce(end: TurnEnd) {
    this.end = end;
    const failure = failureOf(end);
    this.fanout.end(end.status, end.code, this.texts.length, failure && { code: failure.code, message: failure.message });
    this.emit({ type: 'end', end });
    this.listeners.clear();
  }
}
