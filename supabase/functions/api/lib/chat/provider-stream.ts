/**
 * One streamed provider call, reduced to what a turn needs: answer text, reasoning text
 * (`reasoning_content` as DeepSeek sends it, `reasoning` as OpenRouter and Ollama do), usage,
 * the finish reason and the provider's message id. Every chunk — reasoning and empty
 * keep-alive chunks included — re-arms the idle watchdog and is reported through
 * `onActivity`; SSE comments (keep-alives some providers send while they wait) re-arm it too.
 *
 * The Chat Completions stream (https://platform.openai.com/docs/api-reference/chat-streaming)
 * is read straight from fetch's body with eventsource-parser: each chunk is one parsed event
 * handled in place. The openai SDK's reader passes every chunk through a line decoder and
 * three async generators (promises, iterator results and buffers per chunk), which at a
 * thousand concurrent answers was a good share of the function's memory. Failures are
 * raised as the SDK's own error classes, built the way its client builds them, so
 * provider-errors.ts maps them exactly as before.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { idleWatchdog } from '../idle-watchdog.ts';
import { loadOpenAI } from '../openai-sdk.ts';
import type { ChatTurn } from './context.ts';
import { TimeoutError } from './provider-errors.ts';

/** Where a provider's OpenAI-compatible API lives and how to reach it (lib/provider-client.ts). */
export interface ProviderEndpoint {
  baseUrl: string;
  apiKey: string;
  /** The transport: the server's fetch, or the SSRF-guarded, address-pinned one for user URLs. */
  fetch: typeof fetch;
}

export interface ProviderCall {
  endpoint: ProviderEndpoint;
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
  /** The provider has answered the request (its status and headers), or the request failed. */
  onAnswer?(): void;
}

// Fields a provider leaves out are estimated by the turn (lib/chat/turn.ts).
// A count the database's `int` columns can hold: a usage beyond it is no provider's real count,
// and an out-of-range value would make the answer's final write fail (22003) on every try.
const count = z.number().int().nonnegative().max(2_147_483_647).nullish();
const Usage = z.looseObject({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.looseObject({ cached_tokens: count }).nullish(),
  // The part of completion_tokens a reasoning model spent thinking (OpenAI's usage; logged, priced as output).
  completion_tokens_details: z.looseObject({ reasoning_tokens: count }).nullish(),
});
export type ProviderUsage = z.infer<typeof Usage>;

export interface ProviderResult {
  usage: ProviderUsage | null;
  finishReason: string | null;
  providerMessageId: string | null;
}

const STREAMING = { stream: true } as const;

/** The chat completions URL for a base URL, joined as the openai SDK joins it. */
export function completionsUrl(baseUrl: string): string {
  return baseUrl + (baseUrl.endsWith('/') ? 'chat/completions' : '/chat/completions');
}

/** The request body: what the SDK sent for the same call. */
function requestBody(call: ProviderCall): string {
  return JSON.stringify({
    model: call.model,
    messages: call.messages.map((m) => (m.parts && m.role === 'user' ? { role: 'user', content: m.parts } : { role: m.role, content: m.content })),
    stream: true,
    // The provider counts the tokens (a last chunk with usage); we estimate only without it.
    stream_options: { include_usage: true },
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...(call.maxTokens !== undefined ? { max_tokens: call.maxTokens } : {}),
  });
}

/** Opens the stream; a refused or failed request becomes the SDK's error for it. */
async function openStream(call: ProviderCall, signal: AbortSignal): Promise<{ body: ReadableStream<Uint8Array>; requestId: string | null }> {
  let response: Response;
  try {
    response = await call.endpoint.fetch(completionsUrl(call.endpoint.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${call.endpoint.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: requestBody(call),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const OpenAI = await loadOpenAI();
    // As the SDK tells a connection timeout from other connection failures.
    const text = String(error) + (error instanceof Error && 'cause' in error ? String(error.cause) : '');
    if (/timed? ?out/i.test(text)) throw new OpenAI.APIConnectionTimeoutError();
    throw new OpenAI.APIConnectionError({ cause: error instanceof Error ? error : new Error(String(error)) });
  }
  if (!response.ok) {
    const text = await response.text().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    const json = safeJson(text);
    const OpenAI = await loadOpenAI();
    throw OpenAI.APIError.generate(response.status, json, json === undefined ? text : undefined, response.headers);
  }
  if (!response.body) throw new (await loadOpenAI()).APIConnectionError({ cause: new Error('the provider sent no body') });
  // Of the headers, an error raised mid-stream carries only the request id (APIError reads
  // `x-request-id`): the whole response's headers are not kept for the answer's life.
  return { body: response.body, requestId: response.headers.get('x-request-id') };
}

function safeJson(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The longest event accepted (characters buffered for one event). */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Bytes read per call into the stream's own buffer. A chunk of a streamed answer is a few
 * hundred bytes; more that is waiting is taken by the next read. The buffer is held for as
 * long as a read waits for the provider, i.e. for the whole answer: 1 KiB per open answer
 * instead of 4 KiB is 3 MB less at a thousand answers.
 */
export const READ_BUFFER_BYTES = 1024;

/**
 * Reads a body into one buffer of its own, reused for every read. Deno's fetch hands out
 * each chunk of a default reader as a view of a new 64 KiB ArrayBuffer (the byte stream's
 * autoAllocateChunkSize), so a few hundred bytes of SSE cost 64 KiB until the next garbage
 * collection — at a thousand answers, hundreds of MB. A BYOB reader fills the buffer we
 * give it (https://streams.spec.whatwg.org/#byob-reader). Bodies that are not byte streams
 * (the pinned transport's) are read as they come.
 */
export function byteReader(body: ReadableStream<Uint8Array>) {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    // not a byte stream
  }
  if (!byob) {
    const reader = body.getReader();
    return { reader, read: async () => (await reader.read()).value ?? null };
  }
  const reader = byob;
  let buffer: Uint8Array<ArrayBuffer> = new Uint8Array(READ_BUFFER_BYTES);
  const took = ({ value, done }: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>) => {
    if (done || !value) return null;
    // The read moved the memory into `value`; the next read reuses it whole.
    buffer = new Uint8Array(value.buffer);
    return value;
  };
  // A plain promise chain, not an async function: a read waits for the provider most of an
  // answer's life, and a suspended async function keeps its whole frame meanwhile.
  return { reader, read: () => reader.read(buffer).then(took) };
}

/**
 * The provider failing mid-stream (an event carrying `error`): raised as the SDK's APIError
 * once out of the parser. The SDK is loaded only when a call fails, not for every answer
 * (its module is ≈ 0.9 MB of the function's heap: idle heap snapshots with and without it).
 */
class ProviderErrorEvent {
  constructor(readonly error: {} | undefined, readonly message: string | undefined, readonly headers: Headers | undefined) {}
}

/** A string field of an object, or null. */
/** The reasoning text of a delta or message, whichever field the provider uses. */
export function reasoningText(part: unknown): string | null {
  return stringField(part, 'reasoning_content') ?? stringField(part, 'reasoning');
}

function stringField(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null || !(key in value)) return null;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' ? field : null;
}

/**
 * Streams the call to the end; throws on failure (the abort reason when aborted). The request
 * body is built before the first await (openStream builds it as it calls fetch), so the caller
 * may let `call.messages` go as soon as this has returned its promise: a turn does, and its
 * prompt is not held for the whole answer. Keep it so (provider-stream.test.ts checks it).
 */
export async function streamProvider(call: ProviderCall, handlers: ProviderHandlers): Promise<ProviderResult> {
  // One controller for both causes — the caller's signal and the idle watchdog — whichever
  // comes first gives the reason, as AbortSignal.any would; AbortSignal.any's dependent
  // signal, weak references and finalization cells cost every open answer more heap.
  const stopper = new AbortController();
  const signal = stopper.signal;
  const forward = () => stopper.abort(call.signal.reason);
  if (call.signal.aborted) forward();
  else call.signal.addEventListener('abort', forward, { once: true });
  const idle = idleWatchdog(call.timeoutMs, () => stopper.abort(new TimeoutError()));
  const result: ProviderResult = { usage: null, finishReason: null, providerMessageId: null };
  let reader: { cancel(reason?: unknown): Promise<void> } | null = null;
  let finished = false;
  const cutBody = () => void reader?.cancel(signal.reason).catch(() => {});
  try {
    const opening = openStream(call, signal);
    const answered = () => handlers.onAnswer?.();
    opening.then(answered, answered);
    const { body, requestId } = await opening;
    let done = false;
    // As the SDK: `[DONE]` ends the answer (what follows is read and ignored); an event whose
    // data carries `error` is the provider failing mid-stream; data that is not JSON throws.
    const onEvent = (event: EventSourceMessage) => {
      // Stopped: nothing more is taken, even from a buffer that already arrived.
      if (done || signal.aborted) return;
      if (event.data.startsWith('[DONE]')) {
        done = true;
        return;
      }
      const data: unknown = JSON.parse(event.data);
      if (event.event?.startsWith('thread.')) {
        if (event.event === 'error') throw new ProviderErrorEvent(Reflect.get(Object(data), 'error'), stringField(data, 'message') ?? undefined, undefined);
        return;
      }
      if (typeof data === 'object' && data !== null && 'error' in data && data.error) {
        throw new ProviderErrorEvent(data.error, undefined, new Headers(requestId === null ? undefined : { 'x-request-id': requestId }));
      }
      idle.touch();
      handlers.onActivity();
      onChunk(data, result, handlers);
    };
    const parser = createParser({
      onEvent,
      // One event is one chunk of an answer; a provider that never ends its line is not read into memory forever.
      maxBufferSize: MAX_EVENT_CHARS,
      // A comment is the provider saying it is still there (OpenRouter sends `: OPENROUTER PROCESSING`
      // while a slow model has not answered yet: https://openrouter.ai/docs/api-reference/streaming).
      onComment: () => idle.touch(),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') throw new SyntaxError(`the provider sent an event longer than ${MAX_EVENT_CHARS} characters`);
      },
    });
    const decoder = new TextDecoder();
    const chunks = byteReader(body);
    reader = chunks.reader;
    // A stop or the idle watchdog cuts the body itself. Deno's fetch ties its response body to
    // our signal only through the Request's own signal, a dependent signal its source holds
    // weakly (https://dom.spec.whatwg.org/#abortsignal-dependent) and the Response keeps alive.
    // openStream lets the Response go (only its body is kept), so after a garbage collection
    // aborting `signal` no longer reached the body (Deno 2.9.6: the read went on, the provider
    // kept sending and billing). Cancelling the reader closes the connection, as the SDK's abort does.
    if (signal.aborted) cutBody();
    else signal.addEventListener('abort', cutBody, { once: true });
    for (let value = await chunks.read(); value; value = await chunks.read()) parser.feed(decoder.decode(value, STREAMING));
    finished = true;
    parser.feed(decoder.decode());
    if (!result.finishReason) {
      // The stream ended without saying why: aborted, or the connection closed early.
      throw signal.aborted ? signal.reason : new Error('stream ended without a finish reason');
    }
    return result;
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof ProviderErrorEvent) throw new (await loadOpenAI()).APIError(undefined, error.error, error.message, error.headers);
    throw error;
  } finally {
    idle.stop();
    call.signal.removeEventListener('abort', forward);
    signal.removeEventListener('abort', cutBody);
    // Stopped early (a failure mid-stream): close the connection, as the SDK aborts its request.
    if (reader && !finished) reader.cancel().catch(() => {});
  }
}

/** One `chat.completion.chunk`: its id, usage, finish reason and text. */
function onChunk(chunk: unknown, result: ProviderResult, handlers: ProviderHandlers): void {
  if (typeof chunk !== 'object' || chunk === null) return;
  // Kept as `messages.provider_message_id` (at most 200 characters; text cannot hold NUL).
  const id = stringField(chunk, 'id');
  if (id && id.length <= 200 && !id.includes('\0')) result.providerMessageId ??= id;
  if ('usage' in chunk && chunk.usage) {
    const usage = Usage.safeParse(chunk.usage);
    if (usage.success) result.usage = usage.data;
  }
  const choices = 'choices' in chunk && Array.isArray(chunk.choices) ? chunk.choices : null;
  const choice: unknown = choices?.[0];
  if (typeof choice !== 'object' || choice === null) return;
  const finish = stringField(choice, 'finish_reason');
  if (finish) result.finishReason = finish;
  const delta: unknown = 'delta' in choice ? choice.delta : null;
  const reasoning = reasoningText(delta);
  if (reasoning) handlers.onText('reasoning', reasoning);
  const text = stringField(delta, 'content');
  if (text) handlers.onText('content', text);
}
