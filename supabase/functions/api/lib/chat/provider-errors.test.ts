import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { loadOpenAI } from '../openai-sdk.ts';
import { describeProviderError, retryAfterOf, TimeoutError } from './provider-errors.ts';

const ctx = { providerName: 'OpenAI', model: 'gpt-4o', apiKey: 'sk-proj-SECRETSECRET1234', timeoutMs: 60_000 };
const apiError = (status: number, message: string) =>
  OpenAI.APIError.generate(status, { error: { message } }, message, new Headers());

describe('describeProviderError', () => {
  // In the function the SDK is loaded lazily, before the first provider call.
  beforeAll(async () => {
    await loadOpenAI();
  });
  it('maps statuses to codes with a next step', () => {
    expect(describeProviderError(apiError(401, 'Incorrect API key provided: sk-proj-****1234'), ctx)).toMatchObject({ code: 'provider_auth', message: expect.stringContaining('Settings') });
    expect(describeProviderError(apiError(429, 'slow down'), ctx).code).toBe('provider_rate_limited');
    expect(describeProviderError(apiError(503, 'overloaded'), ctx).code).toBe('provider_unavailable');
    expect(describeProviderError(apiError(404, 'no such model'), ctx).message).toContain('gpt-4o');
    expect(describeProviderError(new TimeoutError(), ctx)).toMatchObject({ code: 'provider_timeout', message: expect.stringContaining('60 s') });
    expect(describeProviderError(new ApiError(502, 'provider_redirect', 'redirected'), ctx).code).toBe('provider_redirect');
  });

  // QA4 #3: a 404 from a base URL the user typed without /v1 is the URL, not the model.
  // Security review 6 #3: the message is stored on the answer, which a group chat's members
  // read: it names no part of the owner's base URL (Settings' check names it, to the owner).
  it('asks whether a user-chosen base URL without /v1 needs it, without naming the URL', () => {
    const at = (userBaseUrl: string | null) => describeProviderError(apiError(404, 'Not Found'), { ...ctx, providerName: 'Custom', model: 'fake-model', userBaseUrl }).message;
    expect(at('http://user:pass@llm.example:8000/proxy/tenant-7?token=x')).toBe(
      'Custom answered 404 for the model "fake-model". Its base URL may need /v1 at the end (OpenAI-compatible servers answer under /v1): the key\'s owner can check it in Settings → API keys.',
    );
    for (const part of ['llm.example', '8000', 'tenant-7', 'proxy', 'user', 'pass', 'token']) expect(at('http://user:pass@llm.example:8000/proxy/tenant-7?token=x')).not.toContain(part);
    // Nor does the guard's refusal of a host it could not resolve at the time of the turn.
    const refused = describeProviderError(new ApiError(422, 'unsafe_base_url', 'The host llm.internal.example could not be resolved'), ctx);
    expect(refused).toMatchObject({ code: 'unsafe_base_url', message: expect.stringContaining('Settings → API keys') });
    expect(refused.message).not.toContain('llm.internal.example');
    expect(at('http://llm.example:8000/v1')).toBe('Custom does not know the model "fake-model" (404). Pick another model.');
    expect(at(null)).toContain('does not know the model');
  });

  it('never passes the key through, even when the provider echoes it', () => {
    const echoed = describeProviderError(apiError(400, `bad request for key ${ctx.apiKey} and gsk_abcdef123456`), ctx);
    expect(echoed.code).toBe('provider_rejected');
    expect(echoed.message).not.toContain(ctx.apiKey);
    expect(echoed.message).not.toContain('gsk_abcdef123456');
    const auth = describeProviderError(apiError(401, `Incorrect API key provided: ${ctx.apiKey}`), ctx);
    expect(auth.message).not.toContain('SECRET');
  });

  it("passes the provider's own words on a refusal, once, without the SDK's status prefix or placeholder", () => {
    const refused = (body: object | undefined, text?: string) =>
      describeProviderError(OpenAI.APIError.generate(400, body, text, new Headers()), ctx).message;
    expect(refused({ error: { message: "This model's maximum context length is 128000 tokens.", code: 'context_length_exceeded' } }))
      .toBe("OpenAI refused the request (400): This model's maximum context length is 128000 tokens.");
    // A custom endpoint's body is withheld (url-guard.ts): the SDK says "400 status code (no body)".
    expect(refused({})).toBe('OpenAI refused the request (400).');
    expect(refused(undefined, '')).toBe('OpenAI refused the request (400).');
    expect(refused({ error: 'model is required' })).toBe('OpenAI refused the request (400): model is required');
    expect(refused(undefined, 'Bad\n  request')).toBe('OpenAI refused the request (400): Bad request');
    // Nothing a person can read: an error object without a message, an HTML page.
    expect(refused({ error: { code: 'invalid', param: 'x' } })).toBe('OpenAI refused the request (400).');
    expect(refused(undefined, '<html><body>400 Bad Request</body></html>')).toBe('OpenAI refused the request (400).');
    expect(refused(undefined, `no such key ${ctx.apiKey}`)).toBe('OpenAI refused the request (400): no such key [key]');
  });
});

describe('retryAfterOf', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads seconds, milliseconds and an HTTP date, rounded up to whole seconds within 1 s .. 1 h', () => {
    expect(retryAfterOf(h({ 'retry-after': '7' }))).toBe(7);
    expect(retryAfterOf(h({ 'retry-after': '0.2' }))).toBe(1);
    expect(retryAfterOf(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(2);
    expect(retryAfterOf(h({ 'retry-after': new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString() }), Date.UTC(2026, 0, 1))).toBe(30);
    expect(retryAfterOf(h({ 'retry-after': '86400' }))).toBe(3600);
  });
  it('is undefined without a readable value', () => {
    expect(retryAfterOf(undefined)).toBeUndefined();
    expect(retryAfterOf(h({}))).toBeUndefined();
    expect(retryAfterOf(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
