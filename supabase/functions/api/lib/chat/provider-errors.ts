/**
 * Turns a failed provider call into an error a person can act on: what happened, at which
 * provider, and what to do next. Provider messages are passed through only when they help
 * (bad request, unknown model) and never contain the key: it is scrubbed, and 401 bodies
 * (which may echo a masked key) are never forwarded.
 */
import { loadedOpenAI, type OpenAISdk } from '../openai-sdk.ts';
import { ApiError } from '../errors.ts';

export interface ChatError {
  code: string;
  message: string;
  /** How long the provider asked to wait (its `retry-after`), when it rate limited the call. */
  retryAfterSeconds?: number;
}

/**
 * A provider's `retry-after` (seconds or an HTTP date, RFC 9110 §10.2.3), or `retry-after-ms`,
 * as whole seconds from 1 to an hour; undefined when absent or unreadable.
 */
export function retryAfterOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  const raw = headers?.get('retry-after')?.trim();
  const seconds = Number.isFinite(ms) && ms >= 0 ? ms / 1000
    : raw && /^\d+(\.\d+)?$/.test(raw) ? Number(raw)
    : raw ? (Date.parse(raw) - now) / 1000 : Number.NaN;
  return Number.isFinite(seconds) ? Math.min(3600, Math.max(1, Math.ceil(seconds))) : undefined;
}

function scrub(text: string, apiKey: string): string {
  let clean = text;
  if (apiKey.length >= 6) clean = clean.split(apiKey).join('[key]');
  // Anything that looks like a key fragment (sk-…, gsk_…) is removed as well.
  clean = clean.replace(/\b(sk|gsk|xai|pk|rk)[-_][A-Za-z0-9*_.-]{4,}/g, '[key]');
  // Stored as the answer's error: Postgres text cannot hold U+0000.
  return clean.slice(0, 300).replaceAll('\0', '\uFFFD');
}

/**
 * What the provider said about a request it refused: its parsed body's `error.message` (or an
 * `error` that is a string), else a plain-text body. Never the SDK's own wording: the status
 * it puts first, its "400 status code (no body)" (also what a custom endpoint's error looks
 * like, its body withheld by url-guard.ts), or a JSON dump of an `error` without a message;
 * nor an HTML error page. Empty when there is nothing worth showing.
 */
function providerDetail(status: number, body: unknown, sdkMessage: string): string {
  let said = '';
  if (typeof body === 'string') said = body;
  else if (typeof body === 'object' && body !== null) {
    const message: unknown = Reflect.get(body, 'message');
    if (typeof message === 'string') said = message;
  } else if (body === undefined) {
    // The SDK's message is `${status} ${text}` for a body that is not JSON (APIError.makeMessage).
    const text = sdkMessage.startsWith(`${status} `) ? sdkMessage.slice(String(status).length + 1) : '';
    if (text !== 'status code (no body)' && !/^\s*</.test(text)) said = text;
  }
  return said.replace(/\s+/g, ' ').trim();
}

/**
 * Whether a 404 from a base URL the user typed (custom, Ollama) may be a missing `/v1`:
 * OpenAI-compatible servers (vLLM, LM Studio, LiteLLM, llama.cpp, Ollama) answer under `/v1`,
 * and a base URL without it is the usual cause — not the key, nor the model. False when the
 * base URL already ends in a version segment.
 */
export function mayNeedV1(baseUrl: string | null | undefined): boolean {
  if (!baseUrl) return false;
  try {
    return !/\/v\d+[a-z]*\/?$/i.test(new URL(baseUrl).pathname);
  } catch {
    return false;
  }
}

/**
 * The missing-/v1 hint for the key's owner only (Settings' check of their key, the models list
 * of their key): names the URL that answered (no credentials, query or fragment), or nothing
 * when mayNeedV1 says no. Never in a chat's stored error (describeProviderError), which every
 * member of a group chat reads: the URL is the owner's private setting (security review 6 #3).
 */
export function missingV1Hint(baseUrl: string | null | undefined, path: string): string {
  if (!baseUrl || !mayNeedV1(baseUrl)) return '';
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  return `It answered 404 at ${base}${path}: does the base URL need /v1 (${base}/v1)? Change it in Settings → API keys.`;
}

type SdkErrorKind = 'APIConnectionTimeoutError' | 'AuthenticationError' | 'PermissionDeniedError' | 'RateLimitError' | 'NotFoundError' | 'APIError' | 'APIConnectionError';

/** An error of the openai SDK: it is loaded before any provider call (lib/openai-sdk.ts), so without it there is none. */
function isSdkError<K extends SdkErrorKind>(error: unknown, kind: K): error is InstanceType<OpenAISdk[K]> {
  const sdk = loadedOpenAI();
  return sdk !== null && error instanceof sdk[kind];
}

/**
 * userBaseUrl: the base URL when the user chose it (custom, Ollama), for mayNeedV1. The
 * message is stored on a chat's answer, which every member of a group chat reads: it never
 * names the base URL (nor the key), only that the key's base URL may need /v1.
 */
export function describeProviderError(
  error: unknown,
  ctx: { providerName: string; model: string; apiKey: string; timeoutMs: number; userBaseUrl?: string | null },
): ChatError {
  const name = ctx.providerName;
  const cause = error instanceof Error && error.cause instanceof ApiError ? error.cause : error instanceof ApiError ? error : null;
  if (cause) {
    // url-guard.ts names the host it could not resolve: the owner's setting, not for the chat.
    if (cause.code === 'unsafe_base_url') {
      return { code: cause.code, message: `${name}'s base URL was refused (it could not be resolved, or it is not allowed): the key's owner can check it in Settings → API keys.` };
    }
    return { code: cause.code, message: cause.message };
  }
  if (error instanceof TimeoutError || isSdkError(error, 'APIConnectionTimeoutError')) {
    return { code: 'provider_timeout', message: `${name} did not answer within ${Math.round(ctx.timeoutMs / 1000)} s. Try again, or pick a faster model.` };
  }
  if (isSdkError(error, 'AuthenticationError') || isSdkError(error, 'PermissionDeniedError')) {
    return { code: 'provider_auth', message: `${name} rejected your API key (${error.status}). Check or replace it in Settings → API keys.` };
  }
  if (isSdkError(error, 'RateLimitError')) {
    const retryAfterSeconds = retryAfterOf(error.headers);
    return {
      code: 'provider_rate_limited',
      message: `${name} is rate limiting your key or your quota is used up (429). Wait a moment and try again, or check your plan with ${name}.`,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  if (isSdkError(error, 'NotFoundError')) {
    if (mayNeedV1(ctx.userBaseUrl)) {
      return {
        code: 'provider_not_found',
        message: `${name} answered 404 for the model "${ctx.model}". Its base URL may need /v1 at the end (OpenAI-compatible servers answer under /v1): the key's owner can check it in Settings → API keys.`,
      };
    }
    return { code: 'provider_not_found', message: `${name} does not know the model "${ctx.model}" (404). Pick another model.` };
  }
  if (isSdkError(error, 'APIError') && typeof error.status === 'number') {
    if (error.status >= 500) {
      return { code: 'provider_unavailable', message: `${name} had a server error (${error.status}). Try again, or pick another provider.` };
    }
    const detail = scrub(providerDetail(error.status, error.error, error.message), ctx.apiKey);
    return { code: 'provider_rejected', message: `${name} refused the request (${error.status})${detail ? `: ${detail}` : '.'}` };
  }
  if (isSdkError(error, 'APIConnectionError')) {
    return { code: 'provider_unreachable', message: `Could not reach ${name}. Check your network or the provider's base URL, then try again.` };
  }
  if (error instanceof SyntaxError || (error instanceof Error && /JSON/i.test(error.message))) {
    return { code: 'provider_bad_response', message: `${name} sent a reply that could not be read. Try again.` };
  }
  return { code: 'provider_connection_lost', message: `The connection to ${name} dropped before the answer finished; what arrived is kept. Try again to get a whole answer.` };
}

/** The failures after which the provider may have read the request, and billed it: no status refused it. */
const MAYBE_READ = new Set(['provider_timeout', 'provider_connection_lost', 'provider_bad_response', 'wall_clock_limit']);

/**
 * Whether a call that failed (`code`, from describeProviderError) may have been billed: it was
 * sent and no status refused it (a timeout, a dropped connection, a reply that could not be
 * read, the time limit). A call refused with a status (401, 403, 404, 429, 5xx), or that never
 * reached the provider, was not: the chat (lib/chat/turn.ts) and the gateway (routes/gateway.ts)
 * log it with no tokens and $0, so it counts nothing toward the monthly budget.
 */
export function mayHaveBeenBilled(code: string): boolean {
  return MAYBE_READ.has(code);
}

/** Raised by the stream's own idle timer (no bytes from the provider for too long). */
export class TimeoutError extends Error {
  constructor() {
    super('provider timed out');
    this.name = 'TimeoutError';
  }
}
