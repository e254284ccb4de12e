/**
 * A provider's rate-limit headers — `x-ratelimit-limit-requests`, `x-ratelimit-remaining-tokens`,
 * `x-ratelimit-reset-requests` and the like, as OpenAI sends them
 * (https://platform.openai.com/docs/guides/rate-limits) — which OpenAI clients read to pace
 * themselves. The gateway passes them on to its caller (whose own key they describe) on a
 * success and on a provider's error, as the provider sent them, within sane bounds.
 */
const NAME = /^x-ratelimit-[a-z0-9-]{1,50}$/;
const VALUE = /^[\x20-\x7e]{1,200}$/;
const MAX_HEADERS = 16;

/** The `x-ratelimit-*` headers among a provider's answer's headers. */
export function rateLimitHeaders(headers: Headers | null | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  let count = 0;
  headers?.forEach((value, name) => {
    if (count < MAX_HEADERS && NAME.test(name) && VALUE.test(value)) {
      picked[name] = value;
      count++;
    }
  });
  return picked;
}

/** The headers of a provider's error answer, which the openai SDK's APIError carries. */
export function headersOfError(error: unknown): Headers | undefined {
  const headers = typeof error === 'object' && error !== null && 'headers' in error ? error.headers : undefined;
  return headers instanceof Headers ? headers : undefined;
}

/** The names OpenAI documents, for CORS `Access-Control-Expose-Headers` (a browser client reads only those). */
export const OPENAI_RATE_LIMIT_HEADERS = ['requests', 'tokens'].flatMap((what) =>
  ['limit', 'remaining', 'reset'].map((kind) => `x-ratelimit-${kind}-${what}`));
