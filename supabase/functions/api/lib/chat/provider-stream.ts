/**
 * One streamed provider call, reduced to what a turn needs: answer text, reasoning text
 * (`reasoning_content` as DeepSeek sends it, `reasoning` as OpenRouter and Ollama do), usage,
 * the finish reason and the provider's message id. Every chunk — reasoning and empty
 * keep-alive chunks included — re-arms the idle watchdog and is reported through
 * `onActivity`, which is what keeps a turn's lease alive.
 */
import type OpenAI from 'openai';
import type { ChatTurn } from './context.ts';
import { TimeoutError } from './provider-errors.ts';

export interface ProviderCall {
  client: OpenAI;
  model: string;
  messages: ChatTurn[];
  temperature?: number;
  maxTokens?: number;
  /** Longest silence allowed before the call is aborted with a TimeoutError. */
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ProviderHandlers {
  onText(kind: 'content' | 'reasoning', text: string): void;
  onActivity(): void;
}

export interface ProviderResult {
  usage: OpenAI.CompletionUsage | null;
  finishReason: string | null;
  providerMessageId: string | null;
}

/** The reasoning text of a chunk's delta, whichever field the provider uses. */
function reasoningOf(delta: unknown): string | null {
  if (!delta || typeof delta !== 'object') return null;
  const d = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const value = d.reasoning_content ?? d.reasoning;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Streams the call to the end; throws on failure (the abort reason when aborted). */
export async function streamProvider(call: ProviderCall, handlers: ProviderHandlers): Promise<ProviderResult> {
  const watchdog = new AbortController();
  const signal = AbortSignal.any([call.signal, watchdog.signal]);
  let idle: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => watchdog.abort(new TimeoutError()), call.timeoutMs);
  };
  const result: ProviderResult = { usage: null, finishReason: null, providerMessageId: null };
  arm();
  try {
    const stream = await call.client.chat.completions.create(
      {
        model: call.model,
        messages: call.messages.map((m): OpenAI.ChatCompletionMessageParam =>
          m.parts && m.role === 'user' ? { role: 'user', content: m.parts } : { role: m.role, content: m.content }),
        stream: true,
        stream_options: { include_usage: true },
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
        ...(call.maxTokens !== undefined ? { max_tokens: call.maxTokens } : {}),
      },
      { signal },
    );
    for await (const chunk of stream) {
      arm();
      handlers.onActivity();
      result.providerMessageId ??= chunk.id || null;
      if (chunk.usage) result.usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) result.finishReason = choice.finish_reason;
      const reasoning = reasoningOf(choice?.delta);
      if (reasoning) handlers.onText('reasoning', reasoning);
      const text = choice?.delta?.content;
      if (typeof text === 'string' && text.length > 0) handlers.onText('content', text);
    }
    if (!result.finishReason) {
      // The stream ended without saying why: aborted, or the connection closed early.
      throw signal.aborted ? signal.reason : new Error('stream ended without a finish reason');
    }
    return result;
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  } finally {
    clearTimeout(idle);
  }
}
