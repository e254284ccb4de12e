/**
 * Streams one provider answer to the client as Server-Sent Events while the AssistantWriter
 * persists it. Deltas are forwarded as they arrive (no buffering); a `: keepalive` comment
 * goes out every 15 s so proxies keep the connection open. A client that goes away aborts
 * the provider call (its partial answer is saved as `stopped`); a provider that fails, drops
 * or goes silent for the timeout ends in an `error` event with the partial answer kept.
 *
 * Events: meta {session_id, user_message_id, assistant_message_id, dropped_turns, provider, model},
 * delta {text}, usage {prompt_tokens, completion_tokens, total_tokens, ttft_ms, latency_ms},
 * done {assistant_message_id, status, finish_reason}, error {code, message}.
 */
import { ServerSentEventStream } from 'deno-std/http/server_sent_event_stream.js';
import type OpenAI from 'openai';
import type { Logger } from '../log.ts';
import type { ChatTurn } from './context.ts';
import type { AssistantWriter, TurnOutcome } from './persistence.ts';
import { describeProviderError, TimeoutError, type ChatError } from './provider-errors.ts';

export interface StreamChatOptions {
  client: OpenAI;
  providerName: string;
  model: string;
  messages: ChatTurn[];
  temperature?: number;
  maxTokens?: number;
  writer: AssistantWriter;
  meta: Record<string, unknown>;
  /** The incoming request's signal: aborts when the client disconnects. */
  signal: AbortSignal;
  keepaliveMs: number;
  timeoutMs: number;
  log: Logger;
}

interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
}

class ClientGone extends Error {
  constructor() {
    super('client went away');
    this.name = 'ClientGone';
  }
}

/** The SSE body, and a promise that settles once the turn is fully persisted. */
export function streamChatTurn(options: StreamChatOptions): { body: ReadableStream<Uint8Array>; settled: Promise<void> } {
  const abort = new AbortController();
  let controller!: ReadableStreamDefaultController<SseMessage>;
  let closed = false;
  const send = (message: SseMessage) => {
    if (closed) return;
    try {
      controller.enqueue(message);
    } catch {
      closed = true; // the reader is gone
    }
  };
  const event = (name: string, data: unknown) => send({ event: name, data: JSON.stringify(data) });
  const clientGone = () => abort.abort(new ClientGone());
  if (options.signal.aborted) clientGone();
  else options.signal.addEventListener('abort', clientGone, { once: true });

  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const events = new ReadableStream<SseMessage>({
    start(c) {
      controller = c;
      event('meta', options.meta);
      run()
        .catch((error) => options.log.error('chat stream failed', { message: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          options.signal.removeEventListener('abort', clientGone);
          if (!closed) {
            closed = true;
            try {
              controller.close();
            } catch {
              // already closed by a cancel
            }
          }
          settle();
        });
    },
    cancel() {
      closed = true;
      clientGone();
    },
  });

  async function run() {
    const started = performance.now();
    let ttftMs: number | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    let providerMessageId: string | null = null;
    let finishReason: string | null = null;
    let outcome: Pick<TurnOutcome, 'status' | 'error'> = { status: 'complete' };

    const keepalive = setInterval(() => send({ comment: ' keepalive' }), options.keepaliveMs);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new TimeoutError()), options.timeoutMs);
    };
    armIdle();
    try {
      const stream = await options.client.chat.completions.create(
        {
          model: options.model,
          messages: options.messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
        },
        { signal: abort.signal },
      );
      for await (const chunk of stream) {
        armIdle();
        providerMessageId ??= chunk.id || null;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const text = choice?.delta?.content;
        if (typeof text === 'string' && text.length > 0) {
          ttftMs ??= Math.round(performance.now() - started);
          options.writer.append(text);
          event('delta', { text });
        }
      }
      if (!finishReason) {
        // The stream ended without saying why: aborted, or the connection closed early.
        throw abort.signal.aborted ? abort.signal.reason : new Error('stream ended without a finish reason');
      }
    } catch (error) {
      const reason = abort.signal.aborted ? abort.signal.reason : null;
      if (reason instanceof ClientGone) {
        outcome = { status: 'stopped' };
      } else {
        const described: ChatError = describeProviderError(reason instanceof TimeoutError ? reason : error, {
          providerName: options.providerName,
          model: options.model,
          apiKey: options.client.apiKey,
          timeoutMs: options.timeoutMs,
        });
        outcome = { status: 'error', error: described };
        options.log.warn('chat provider failed', { code: described.code, provider: options.meta.provider, model: options.model });
      }
    } finally {
      clearInterval(keepalive);
      clearTimeout(idle);
    }
    const latencyMs = Math.round(performance.now() - started);

    let tokens = { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 };
    try {
      tokens = await options.writer.finish({
        ...outcome,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        ttftMs,
        latencyMs,
        providerMessageId,
      });
    } catch (error) {
      options.log.error('chat final write failed', { message: error instanceof Error ? error.message : String(error) });
      event('error', { code: 'save_failed', message: 'The answer could not be saved; copy it before leaving this page.' });
      return;
    }
    event('usage', {
      prompt_tokens: tokens.promptTokens,
      completion_tokens: tokens.completionTokens,
      total_tokens: tokens.promptTokens + tokens.completionTokens,
      ttft_ms: ttftMs,
      latency_ms: latencyMs,
    });
    if (outcome.status === 'error' && outcome.error) event('error', outcome.error);
    else event('done', { assistant_message_id: options.meta.assistant_message_id, status: outcome.status, finish_reason: finishReason });
  }

  return { body: events.pipeThrough(new ServerSentEventStream()) as ReadableStream<Uint8Array>, settled };
}
