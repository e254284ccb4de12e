/**
 * POST /api/chat: one chat turn, answered as `text/event-stream`. Order of work: validate,
 * check the rate limit, open the provider client (the caller's decrypted key), save the
 * user message and an empty `streaming` answer, then stream (lib/chat/stream.ts).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { reservedForAnswer } from '../lib/chat/context.ts';
import { AssistantWriter, prepareTurn } from '../lib/chat/persistence.ts';
import { streamChatTurn } from '../lib/chat/stream.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonBody, security } from '../lib/openapi.ts';
import { openProviderClient, requireProvider } from '../lib/provider-client.ts';
import { contextWindow } from '../lib/providers.ts';

const variableValue = z.union([z.string().max(20_000).regex(/^[^\u0000]*$/, 'must not contain NUL characters'), z.number(), z.boolean()]);

export const ChatRequest = z
  .strictObject({
    session_id: z.uuid().optional().openapi({ description: 'Continue this session; omit to start a new one' }),
    project_id: z.uuid().optional().openapi({ description: 'Project of a new session (its system prompt applies)' }),
    message: z.string().max(1_000_000).regex(/^[^\u0000]*$/, 'must not contain NUL characters').optional().openapi({ description: 'The user message (not needed with regenerate)' }),
    provider: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be a provider id such as "openai"'),
    model: z.string().trim().min(1).max(200),
    prompt_id: z.uuid().optional(),
    prompt_label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/).optional(),
    prompt_version: z.number().int().min(1).optional(),
    variables: z.record(z.string().max(64), variableValue).optional().refine((v) => !v || Object.keys(v).length <= 100, 'at most 100 variables'),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).optional(),
    regenerate: z.boolean().optional().openapi({ description: 'Replace the last answer of the session' }),
    edit_message_id: z.uuid().optional().openapi({ description: 'Replace this user message with `message` and drop what followed' }),
  })
  .refine((b) => b.regenerate || (b.message !== undefined && b.message.trim().length > 0), { message: 'message: required (unless regenerate is true)', path: ['message'] })
  .refine((b) => !(b.regenerate && b.edit_message_id), { message: 'regenerate and edit_message_id cannot be combined', path: ['regenerate'] })
  .refine((b) => !(b.prompt_label && b.prompt_version), { message: 'give prompt_label or prompt_version, not both', path: ['prompt_label'] })
  .refine((b) => b.prompt_id || (!b.prompt_label && !b.prompt_version), { message: 'prompt_label/prompt_version need prompt_id', path: ['prompt_id'] })
  .openapi('ChatRequest');

const chat = createRoute({
  method: 'post',
  path: '/',
  tags: ['chat'],
  security,
  middleware: [requireUser] as const,
  summary: 'Send a message and stream the answer (Server-Sent Events)',
  description:
    'Events: `meta` {session_id, user_message_id, assistant_message_id, dropped_turns}, `delta` {text}, ' +
    '`usage` {prompt_tokens, completion_tokens, total_tokens, ttft_ms, latency_ms}, `done` {assistant_message_id, status}, ' +
    '`error` {code, message}; plus a `: keepalive` comment every 15 s.',
  request: { body: jsonBody(ChatRequest) },
  responses: {
    200: { description: 'The answer as an event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(400, 401, 404, 409, 413, 422, 429),
  },
});

export const chatRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(chat, async (c) => {
  const body = c.req.valid('json');
  const { config, db, user, deps, log } = c.var;
  const { limits } = config;
  if (body.message && body.message.length > limits.maxMessageChars) {
    throw new ApiError(413, 'message_too_long', `The message is ${body.message.length} characters; the limit is ${limits.maxMessageChars}`);
  }
  if (body.max_tokens !== undefined && body.max_tokens > limits.maxTokensCap) {
    throw new ApiError(422, 'max_tokens_too_large', `max_tokens may be at most ${limits.maxTokensCap}`);
  }
  const provider = requireProvider(config, body.provider);
  if (!provider.any_model && !provider.models.some((m) => m.id === body.model)) {
    throw new ApiError(422, 'unknown_model', `${provider.name} has no model "${body.model}"; choose one of ${provider.models.map((m) => m.id).join(', ')}`);
  }

  const limit = await db.consumeRateLimit(user.id, 'chat', limits.chatRateCapacity, limits.chatRateRefillPerSecond);
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many messages; try again in ${limit.retryAfterSeconds} s`, { 'retry-after': String(limit.retryAfterSeconds) });
  }

  const opened = await openProviderClient({ config, db, deps, user, log, providerId: provider.id });
  const window = contextWindow(provider, body.model);
  const turn = await db.withUserTransaction(user, (sql) =>
    prepareTurn(sql, user, {
      sessionId: body.session_id,
      projectId: body.project_id,
      message: body.message,
      provider: provider.id,
      model: body.model,
      promptId: body.prompt_id,
      promptLabel: body.prompt_label,
      promptVersion: body.prompt_version,
      variables: body.variables ?? {},
      temperature: body.temperature,
      regenerate: body.regenerate ?? false,
      editMessageId: body.edit_message_id,
      contextWindow: window,
      reservedForAnswer: reservedForAnswer(window, body.max_tokens),
    }),
  );

  const chatLog = log.child({ session_id: turn.sessionId, provider: provider.id, model: body.model });
  const writer = new AssistantWriter(db, user, { ...turn, provider: provider.id, model: body.model, hasStoredCredential: opened.hasStoredCredential }, chatLog);
  const { body: stream, settled } = streamChatTurn({
    client: opened.client,
    providerName: provider.name,
    model: body.model,
    messages: turn.context.messages,
    temperature: body.temperature,
    maxTokens: body.max_tokens,
    writer,
    meta: {
      session_id: turn.sessionId,
      user_message_id: turn.userMessageId,
      assistant_message_id: turn.assistantMessageId,
      dropped_turns: turn.context.droppedTurns,
      provider: provider.id,
      model: body.model,
    },
    signal: c.req.raw.signal,
    keepaliveMs: limits.keepaliveMs,
    timeoutMs: limits.providerTimeoutMs,
    log: chatLog,
  });
  // After a client abort the response is gone but the partial answer still has to be saved.
  deps.waitUntil?.(settled);
  return c.body(stream, 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
});
