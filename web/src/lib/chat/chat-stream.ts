// Client side of POST /api/chat: sends the turn, parses the Server-Sent Events with
// eventsource-parser and validates each event with zod before the UI sees it.
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { z } from 'zod';
import { toApiError } from '$lib/api';

export const chatEvents = {
  meta: z.object({
    session_id: z.string(),
    user_message_id: z.string().nullish(),
    assistant_message_id: z.string().nullish(),
    dropped_turns: z.number().nullish(),
  }),
  delta: z.object({ text: z.string() }),
  usage: z
    .object({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
      total_tokens: z.number().nullish(),
      token_count: z.number().nullish(),
      ttft_ms: z.number().nullish(),
      latency_ms: z.number().nullish(),
    })
    .loose(),
  done: z.object({ status: z.string().optional() }).loose(),
  error: z.object({ code: z.string(), message: z.string() }),
};

export type ChatMeta = z.infer<typeof chatEvents.meta>;
export type ChatUsage = z.infer<typeof chatEvents.usage>;

export interface ChatRequest {
  session_id?: string;
  /** Project of a new session (its system prompt applies). */
  project_id?: string;
  message: string;
  provider: string;
  model: string;
  prompt_id?: string;
  prompt_version?: number;
  prompt_label?: string;
  variables?: Record<string, string>;
  /** Replace the last assistant answer instead of adding a turn. */
  regenerate?: boolean;
  /** Replace this user message and drop everything after it. */
  edit_message_id?: string;
}

export interface ChatHandlers {
  meta(meta: ChatMeta): void;
  delta(text: string): void;
  usage(usage: ChatUsage): void;
  error(error: { code: string; message: string }): void;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Streams one chat turn. Resolves when the stream ends (done, error or abort). */
export async function streamChat(body: ChatRequest, handlers: ChatHandlers, signal: AbortSignal): Promise<void> {
  const res = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok || !res.body) throw await toApiError(res);

  const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const data = parseData(value.data);
      switch (value.event) {
        case 'meta': {
          const meta = chatEvents.meta.safeParse(data);
          if (meta.success) handlers.meta(meta.data);
          break;
        }
        case 'delta': {
          const delta = chatEvents.delta.safeParse(data);
          if (delta.success) handlers.delta(delta.data.text);
          break;
        }
        case 'usage': {
          const usage = chatEvents.usage.safeParse(data);
          if (usage.success) handlers.usage(usage.data);
          break;
        }
        case 'error': {
          const error = chatEvents.error.safeParse(data);
          handlers.error(error.success ? error.data : { code: 'stream_error', message: 'The answer failed.' });
          return;
        }
        case 'done':
          return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
