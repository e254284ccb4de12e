/**
 * /api/v1: an OpenAI-compatible gateway, so existing tools (the official `openai` SDK with
 * `baseURL: <function URL>/api/v1`) use Mr.Prompt as their prompt-managed, key-holding
 * endpoint. `model` is `<provider>/<model>`; the user's own provider key is used.
 *
 * POST /v1/chat/completions, in order: authenticate (session or API key with `chat`) →
 * validate → rate limit → monthly budget (402 before any provider call) → apply a library
 * prompt (`prompt: "name@label"` in the body or the `x-mrprompt-prompt` header, with
 * `variables`) as the system message, its version's settings as defaults → call the
 * provider (streaming or not; a stream silent for PROVIDER_TIMEOUT_MS ends with a
 * `provider_timeout` error event; a call still running after CHAT_TURN_MAX_MS is stopped with
 * `wall_clock_limit`, as a chat turn is; a stream whose client leaves stops its provider call
 * too) → log tokens, latency, cost and prompt version (the row's
 * id in `x-mrprompt-usage-log-id`, for PUT /scores; a stream's row is written before [DONE];
 * without the provider's usage, our own count: lib/gateway-usage.ts). A refused stored key is
 * one of the caller's provider-key checks, and none is tried while they are used up
 * (lib/key-checks.ts).
 * The provider's `x-ratelimit-*` headers go back to the caller, on a success and on an error.
 * GET /v1/models lists the `<provider>/<model>` ids the caller can call, GET /v1/models/{id}
 * finds any of them (lib/gateway-models.ts).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type OpenAI from 'openai';
import { BODY_BYTES_CEILING } from '../config.ts';
import { requireUserOrKey } from '../lib/api-key-auth.ts';
import { assertWithinBudget } from '../lib/budget.ts';
import { describeProviderError, mayHaveBeenBilled, TimeoutError, type ChatError } from '../lib/chat/provider-errors.ts';
import { idleWatchdog } from '../lib/idle-watchdog.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError, errorBody, openAiErrorBody } from '../lib/errors.ts';
import { callCostUsd } from '../lib/cost.ts';
import { logGatewayCall, type GatewayCall } from '../lib/gateway-log.ts';
import { acceptsModel, findUsableModel, GATEWAY_MODEL_ID, usableModels } from '../lib/gateway-models.ts';
import { collectStreamedText, completionTexts, countCompletionTokens, estimatePromptTokens } from '../lib/gateway-usage.ts';
import { assertKeyCheckLeft, chargeKeyRefusal, isKeyRefusal, keyChecksLeft } from '../lib/key-checks.ts';
import { shallowJson } from '../lib/inputs.ts';
import { findPrice } from '../lib/prices.ts';
import { defaultHook, jsonBody, jsonResponse, openAiErrorResponses, security } from '../lib/openapi.ts';
import { renderTemplate } from '../lib/prompt-template.ts';
import { openProviderClient, requireProvider } from '../lib/provider-client.ts';
import { headersOfError, rateLimitHeaders } from '../lib/provider-rate-limit-headers.ts';
import { uuidv7 } from '../lib/uuid7.ts';
import { versionNumber } from './prompts/model.ts';
import { resolvePromptVersion } from './prompts/resolve.ts';

/**
 * A provider failure as the gateway's answer. What the request itself got wrong (a model the
 * provider does not know, a request it refused) is the caller's 404/400, as from OpenAI; the
 * provider's rate limit is a 429 carrying the provider's `retry-after`, so a client such as the
 * openai SDK backs off as long as the provider asked; the rest is 502. Clients retry a 502, so
 * one retrying cannot fix (the stored provider key is refused) says `x-should-retry: false`.
 */
function providerFailure({ code, message, retryAfterSeconds }: ChatError, rateLimits: Record<string, string> = {}): ApiError {
  if (code === 'provider_not_found') return new ApiError(404, code, message, rateLimits);
  if (code === 'provider_rejected') return new ApiError(400, code, message, rateLimits);
  if (code === 'provider_rate_limited') return new ApiError(429, code, message, { ...rateLimits, ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) });
  return new ApiError(502, code, message, { ...rateLimits, ...(NO_RETRY.has(code) ? { 'x-should-retry': 'false' } : {}) });
}

/** 502s a retry would not mend: a refused key, a call as long as the time limit allows. */
const NO_RETRY = new Set(['provider_auth', 'wall_clock_limit']);

/** Why the gateway ended a call itself: its time limit, or its stream's client left. */
type StopReason = 'wall_clock_limit' | 'client_disconnected';

const PROMPT_REF = /^([a-z0-9][a-z0-9-]{0,79})(?:@([a-z0-9][a-z0-9_-]{0,39}))?$/;
const variableValue = z.union([z.string().max(20_000), z.number(), z.boolean()]);
// The limit on text is the request body's, MAX_BODY_BYTES (checked before the schema: 413);
// the schema's bound is that setting's ceiling, which no body within it can exceed.
const BODY_LIMIT = 'the whole request body may be at most MAX_BODY_BYTES bytes (262,144 by default), else 413 `payload_too_large`';
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string().max(BODY_BYTES_CEILING), z.array(z.looseObject({ type: z.string() })).max(100), z.null()]).openapi({
    description: `Text, or content parts as OpenAI takes them; ${BODY_LIMIT}`,
  }),
});

// OpenAI parameters the gateway forwards to the provider as they are (tools, JSON mode, …):
// dropping them would answer a different request than the one sent, without a word.
const passThrough = {
  n: z.number().int().min(1).max(128).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  tools: z.array(z.looseObject({ type: z.string() })).max(128).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning_effort: z.string().max(20).nullable().optional(),
  user: z.string().max(256).optional(),
};
const PASS_THROUGH = Object.keys(passThrough) as (keyof typeof passThrough)[];

// Loose: SDKs send fields the gateway does not use (store, metadata, …); those are ignored.
const CompletionRequest = z
  .looseObject({
    ...passThrough,
    model: z.string().regex(GATEWAY_MODEL_ID, 'use `<provider>/<model>`, e.g. `openai/gpt-4o-mini` (GET /v1/models lists them)'),
    messages: z.array(message).min(1).max(500),
    stream: z.boolean().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    max_tokens: z.number().int().min(1).nullable().optional(),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
    prompt: z.string().regex(PROMPT_REF, '`name` or `name@label`').optional().openapi({ description: 'A library prompt applied as the system message', example: 'support-reply@production' }),
    prompt_version: versionNumber.optional().openapi({ description: 'A version of `prompt` instead of its label (playground)' }),
    variables: z.record(z.string().max(64), variableValue).optional(),
  })
  // Tools, response_format and content parts go to the provider as they came: JSON.stringify
  // would overflow the stack on a deep one (and the gateway blame the provider for it).
  .refine(...shallowJson)
  .openapi('ChatCompletionRequest');

const GatewayModel = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: z.number().int().openapi({
      description: 'Unix seconds since the model is usable through your gateway: when you stored the provider\'s key (the catalog does not know release dates); 0 for a provider the server set up that needs no key',
    }),
    owned_by: z.string(),
  })
  .openapi('GatewayModel');
const ModelList = z.object({ object: z.literal('list'), data: z.array(GatewayModel) }).openapi('GatewayModelList');

const tags = ['gateway'];
const routes = {
  completions: createRoute({
    method: 'post', path: '/chat/completions', tags, security, middleware: [requireUserOrKey(['chat'])] as const,
    summary: 'OpenAI-compatible chat completions (stream or not) with your provider keys and library prompts',
    description: `Forwarded to the provider: messages, temperature, top_p, max_tokens (or max_completion_tokens), stop, ${PASS_THROUGH.join(', ')}. Other OpenAI fields are ignored. Up to 500 messages; ${BODY_LIMIT}.`,
    request: { body: jsonBody(CompletionRequest) },
    responses: {
      200: {
        description: 'A chat.completion, or with `stream: true` chat.completion.chunk events',
        headers: { 'x-mrprompt-usage-log-id': { description: "The call's usage log, to rate it with PUT /scores (a stream's is written before its [DONE])", schema: { type: 'string', format: 'uuid' } } },
        content: { 'application/json': { schema: z.looseObject({}) }, 'text/event-stream': { schema: z.string() } } },
      ...openAiErrorResponses(400, 402, 404, 422, 429, 502),
    },
  }),
  models: createRoute({
    method: 'get', path: '/models', tags, security, middleware: [requireUserOrKey(['chat'])] as const,
    summary: 'Models the caller can call through the gateway, as `<provider>/<model>`',
    description:
      'The catalog models of each provider the caller stored a key for (Ollama: its settings), and the demo where the server offers it. ' +
      'For custom endpoints, OpenRouter and Ollama, the models the provider itself lists for the stored key (as GET /providers/{id}/models: a list kept ten minutes, ' +
      'a failure two). A provider whose list cannot be had now (unreachable, no list, key refused, the caller\'s model-list calls or key checks used up) is left out, without being called again while its failure is kept; the rest are listed.',
    responses: { 200: jsonResponse(ModelList, 'The models') },
  }),
  model: createRoute({
    method: 'get', path: '/models/{id}', tags, security, middleware: [requireUserOrKey(['chat'])] as const,
    summary: 'A model the caller can call (the openai SDK\'s models.retrieve; the `/` in the id URL-encoded as %2F)',
    description: 'Any id POST /v1/chat/completions would send to one of the caller\'s providers: a model of GET /v1/models, or any model of a provider that takes any (custom, OpenRouter, Ollama, …) even when its list does not name it.',
    request: { params: z.object({ id: z.string().max(240).openapi({ param: { name: 'id', in: 'path' }, example: 'openai/gpt-4o-mini' }) }) },
    responses: { 200: jsonResponse(GatewayModel, 'The model'), ...openAiErrorResponses(404) },
  }),
};

export const gatewayRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

gatewayRoutes.openapi(routes.models, async (c) => c.json({ object: 'list' as const, data: await usableModels(c) }, 200));

gatewayRoutes.openapi(routes.model, async (c) => {
  const { id } = c.req.valid('param');
  const found = await findUsableModel(c, id);
  if (!found) throw new ApiError(404, 'model_not_found', `No model "${id.slice(0, 240)}" among yours; GET /v1/models lists them`);
  return c.json(found, 200);
});

gatewayRoutes.openapi(routes.completions, async (c) => {
  const body = c.req.valid('json');
  const { config, db, user, deps, log } = c.var;
  const slash = body.model.indexOf('/');
  const provider = requireProvider(config, body.model.slice(0, slash));
  const model = body.model.slice(slash + 1);
  if (!acceptsModel(provider, model)) {
    throw new ApiError(404, 'unknown_model', `${provider.name} has no model "${model}"; GET /v1/models lists what you can use`).about('model');
  }
  const limit = await db.consumeRateLimit(user.id, 'chat', config.limits.chatRateCapacity, config.limits.chatRateRefillPerSecond);
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many requests; try again in ${limit.retryAfterSeconds} s`, { 'retry-after': String(limit.retryAfterSeconds) });
  }
  // The budget, and the provider-key checks left (lib/key-checks.ts), in parallel.
  const [, keyChecks] = await Promise.all([assertWithinBudget(db, user), keyChecksLeft(db, user.id)]);

  const ref = body.prompt ?? c.req.header('x-mrprompt-prompt');
  const match = ref ? PROMPT_REF.exec(ref) : null;
  if (ref && !match) throw new ApiError(400, 'invalid_request', 'prompt: use `name` or `name@label`').about('prompt');
  if (match?.[2] && body.prompt_version) throw new ApiError(400, 'invalid_request', 'Give a label or prompt_version, not both').about('prompt_version');
  const prompt = match
    ? await db.withUserTransaction(user, (sql) => resolvePromptVersion(sql, user.id, match[1], { label: match[2], version: body.prompt_version }))
    : null;
  // The usage the SDK sees, plus what it cost (an extra field clients may ignore).
  const priced = (usage: OpenAI.CompletionUsage) => {
    const cost = callCostUsd(findPrice(config.prices, provider.id, model), {
      promptTokens: usage.prompt_tokens, cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0, completionTokens: usage.completion_tokens,
    });
    return { ...usage, cost_usd: cost === null ? null : Number(cost) };
  };
  const messages = [...(prompt ? [{ role: 'system', content: renderTemplate(prompt.content, body.variables ?? {}) }] : []), ...body.messages];
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? prompt?.config.max_tokens;
  if (maxTokens && maxTokens > config.limits.maxTokensCap) {
    throw new ApiError(422, 'max_tokens_too_large', `max_tokens may be at most ${config.limits.maxTokensCap}`).about(body.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens');
  }

  const opened = await openProviderClient({ config, db, deps, user, log, providerId: provider.id });
  // A refused stored key tells the caller so: a provider-key check, and no call while they are used up.
  const ownKey = opened.hasStoredCredential;
  if (ownKey) assertKeyCheckLeft(keyChecks);
  const params = {
    model,
    messages: messages as OpenAI.ChatCompletionMessageParam[],
    ...(body.temperature ?? prompt?.config.temperature) !== undefined ? { temperature: body.temperature ?? prompt?.config.temperature } : {},
    ...(body.top_p != null ? { top_p: body.top_p } : {}),
    ...(body.stop != null ? { stop: body.stop } : {}),
    ...(maxTokens ? { max_tokens: maxTokens } : {}),
    ...Object.fromEntries(PASS_THROUGH.filter((key) => body[key] != null).map((key) => [key, body[key]])),
  };
  const started = performance.now();
  const call: Omit<GatewayCall, 'status' | 'ttftMs' | 'latencyMs' | 'promptTokens' | 'cachedTokens' | 'completionTokens' | 'errorCode'> = {
    userId: user.id, purpose: 'gateway', provider: provider.id, model, promptId: prompt?.id ?? null, promptVersion: prompt?.version ?? null,
    apiKeyId: user.apiKey?.id ?? null,
  };
  // A call runs at most CHAT_TURN_MAX_MS, as a chat turn does (lib/chat/turn.ts): stopped
  // before the platform's wall clock would end it unlogged, and the local stack has none.
  const deadline = new AbortController();
  let stopped: StopReason | null = null;
  const stop = (reason: StopReason) => {
    stopped ??= reason;
    deadline.abort();
  };
  const limitMs = config.limits.turnMaxMs;
  const wallClock = limitMs > 0 ? setTimeout(() => stop('wall_clock_limit'), limitMs) : undefined;
  const wallClockError: ChatError = {
    code: 'wall_clock_limit',
    message: `Stopped after ${Math.ceil(limitMs / 1000)} s, the longest a call may run here. Ask for a shorter answer (max_tokens), or pick a faster model.`,
  };
  const describe = async (error: unknown) => {
    if (stopped === 'wall_clock_limit') return wallClockError;
    const described = describeProviderError(error, { providerName: provider.name, userBaseUrl: provider.base_url_mode === 'fixed' ? null : opened.baseUrl, model, apiKey: opened.client.apiKey, timeoutMs: config.limits.providerTimeoutMs });
    if (ownKey && isKeyRefusal(described.code)) await chargeKeyRefusal(db, user.id, log);
    return described;
  };
  // A call that failed before any answer: no tokens when a status refused it, our estimate of
  // the prompt when it was sent and may have been read (lib/gateway-usage.ts).
  const fail = async (error: unknown) => {
    const described = await describe(error);
    const promptTokens = mayHaveBeenBilled(described.code) ? await estimatePromptTokens(messages, body.tools) : 0;
    return { described, rateLimits: rateLimitHeaders(headersOfError(error)), log: { ...call, status: 'error' as const, ttftMs: null, latencyMs: Math.round(performance.now() - started), promptTokens, cachedTokens: null, completionTokens: 0, errorCode: described.code, tokensEstimated: promptTokens > 0 } };
  };

  if (!body.stream) {
    let completion: OpenAI.ChatCompletion;
    try {
      const answer = await opened.client.chat.completions.create({ ...params, stream: false }, { signal: deadline.signal }).withResponse();
      completion = answer.data;
      for (const [name, value] of Object.entries(rateLimitHeaders(answer.response.headers))) c.header(name, value);
    } catch (error) {
      const failed = await fail(error);
      await logGatewayCall(db.sql, config, failed.log);
      throw providerFailure(failed.described, failed.rateLimits);
    } finally {
      clearTimeout(wallClock);
    }
    const latencyMs = Math.round(performance.now() - started);
    const usage = completion.usage;
    // The provider's counts; ours where it sent none.
    const id = await logGatewayCall(db.sql, config, {
      ...call, status: 'success', ttftMs: latencyMs, latencyMs, promptTokens: usage?.prompt_tokens ?? await estimatePromptTokens(messages, body.tools),
      cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? null, completionTokens: usage?.completion_tokens ?? await countCompletionTokens(completionTexts(completion)), errorCode: null,
      reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
      tokensEstimated: usage?.prompt_tokens == null || usage?.completion_tokens == null,
    });
    c.header('x-mrprompt-usage-log-id', id);
    return c.json({ ...completion, model: body.model, ...(usage ? { usage: priced(usage) } : {}) }, 200);
  }

  // The SDK's Stream: its `controller` aborts the call.
  let upstream: AsyncIterable<OpenAI.ChatCompletionChunk> & { controller: AbortController };
  let rateLimits: Record<string, string>;
  try {
    const answer = await opened.client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: deadline.signal }).withResponse();
    upstream = answer.data;
    rateLimits = rateLimitHeaders(answer.response.headers);
  } catch (error) {
    clearTimeout(wallClock);
    const failed = await fail(error);
    await logGatewayCall(db.sql, config, failed.log);
    throw providerFailure(failed.described, failed.rateLimits);
  }
  const wantsUsage = body.stream_options?.include_usage === true;
  // The usage log's id, sent as a header now and written with the row once the stream ends,
  // before [DONE]: a client that has read to the end can rate the call with PUT /scores.
  const logId = uuidv7();
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const send = (data: string) => writer.write(encoder.encode(`data: ${data}\n\n`)).catch(() => {});
  // A client that leaves cancels the response: nothing would read the rest, so the provider
  // call stops too — the gateway is a stateless proxy, as OpenAI's API is, not a chat turn that
  // others may be following — and what was streamed until then is logged.
  writer.closed.catch(() => stop('client_disconnected'));
  const relay = (async () => {
    let ttftMs: number | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    let errorCode: string | null = null;
    // What the provider sent back, by reference, until a usage chunk makes our own count unneeded.
    const streamed: string[] = [];
    // The SDK's timeout ends with the headers: a provider silent that long mid-answer is cut
    // here. The abort closes the connection (the SDK's stream holds its Response while it is
    // read, which keeps Deno's fetch abort linked to the body; lib/chat/provider-stream.ts lets
    // its Response go and cuts the body itself), and the SDK then ends the iteration — as it
    // does when `deadline` aborts (the time limit, the client gone).
    let timedOut = false;
    const idle = idleWatchdog(config.limits.providerTimeoutMs, () => {
      timedOut = true;
      upstream.controller.abort();
    });
    let failure: { error: unknown } | null = null;
    try {
      for await (const chunk of upstream) {
        idle.touch();
        if (chunk.usage) usage = chunk.usage;
        else if (usage === null) collectStreamedText(chunk, streamed);
        if (ttftMs === null && chunk.choices.some((ch) => ch.delta?.content)) ttftMs = Math.round(performance.now() - started);
        if (chunk.choices.length === 0 && chunk.usage && !wantsUsage) continue;
        await send(JSON.stringify({ ...chunk, model: body.model, ...(chunk.usage ? { usage: priced(chunk.usage) } : {}) }));
      }
      if (timedOut) throw new TimeoutError();
    } catch (error) {
      failure = { error };
    }
    idle.stop();
    clearTimeout(wallClock);
    // Why the gateway stopped the call, if it did, as the stream ended (not what happens after).
    const reason = stopped;
    if (reason === 'client_disconnected') errorCode = reason;
    else if (reason || failure) {
      const described = await describe(timedOut ? new TimeoutError() : failure?.error);
      errorCode = described.code;
      const answer = providerFailure(described);
      await send(JSON.stringify(openAiErrorBody(answer.status, errorBody(answer.code, answer.message))));
    }
    const latencyMs = Math.round(performance.now() - started);
    await (async () => await logGatewayCall(db.sql, config, {
      ...call, status: reason ? 'stopped' : errorCode ? 'error' : 'success', ttftMs, latencyMs,
      // The provider's counts; ours where the stream ended without them.
      promptTokens: usage?.prompt_tokens ?? await estimatePromptTokens(messages, body.tools), cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
      completionTokens: usage?.completion_tokens ?? await countCompletionTokens(streamed), errorCode,
      reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
      tokensEstimated: usage?.prompt_tokens == null || usage?.completion_tokens == null,
    }, logId))().catch((error: Error) => log.error('gateway usage log failed', { message: error.message }));
    await send('[DONE]');
    await writer.close().catch(() => {});
  })();
  deps.waitUntil?.(relay);
  return c.body(readable, 200, { ...rateLimits, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-mrprompt-usage-log-id': logId });
});
