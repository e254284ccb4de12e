/**
 * /api/credentials: a user's provider keys. Keys are encrypted before they reach the
 * database and never come back out — responses carry only the provider, a last-4 hint,
 * the base URL and timestamps. An account with a second factor reaches them only from an aal2
 * session, like the rest of its data (lib/auth.ts, lib/db.ts, and the tables' restrictive policies).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import type { CredentialCheck } from '../lib/db.ts';
import type { AppEnv } from '../lib/context.ts';
import { encryptCredential, keyHint } from '../lib/credentials-crypto.ts';
import { takeKeyCheck } from '../lib/key-checks.ts';
import { ApiError } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';
import { openProviderClient, requireProvider } from '../lib/provider-client.ts';
import { missingV1Hint } from '../lib/chat/provider-errors.ts';
import { checkOfFailure, modelsListFailure, recordKeyCheck, userBaseUrlOf } from '../lib/provider-models.ts';
import { assertSafeProviderUrl } from '../lib/url-guard.ts';

const Credential = z
  .object({
    provider: z.string(),
    key_hint: z.string(),
    base_url: z.string().nullable(),
    check_status: z.enum(['ok', 'invalid', 'unverified', 'unreachable']).nullable().openapi({
      description: 'What the provider said of this key when last checked (verify, a models list): invalid means it refused the key; null: not checked since it was saved',
    }),
    checked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Credential');

const ProviderParam = z.object({
  provider: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be a provider id such as "openai"').openapi({ param: { name: 'provider', in: 'path' }, example: 'openai' }),
});

const PutCredential = z
  .strictObject({
    api_key: z.string().trim().min(1).max(1000).regex(/^[^\u0000]*$/, 'must not contain NUL characters').optional().openapi({ description: 'The provider API key (optional for providers that need none, e.g. ollama)' }),
    base_url: z.string().trim().max(2048).regex(/^[^\u0000]*$/, 'must not contain NUL characters').optional().openapi({ description: 'custom (required) and ollama (optional) only' }),
  })
  .openapi('PutCredential');

const VerifyResult = z
  .object({ ok: z.boolean(), status: z.enum(['ok', 'invalid', 'unverified', 'unreachable']), message: z.string() })
  .openapi('CredentialVerification');

type Row = { provider: string; key_hint: string; base_url: string | null; check_status?: CredentialCheck | null; checked_at?: Date | null; last_used_at: Date | null; created_at: Date; updated_at: Date };
const toCredential = (r: Row) => ({
  provider: r.provider,
  key_hint: r.key_hint,
  base_url: r.base_url,
  // A key just stored has not been checked (private.store_credential forgets the last check).
  check_status: r.check_status ?? null,
  checked_at: r.checked_at?.toISOString() ?? null,
  last_used_at: r.last_used_at?.toISOString() ?? null,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

const tags = ['credentials'];

const list = createRoute({
  method: 'get', path: '/', tags, security, middleware: [requireUser] as const,
  summary: 'List stored provider keys (hints only)',
  responses: { 200: jsonResponse(z.object({ credentials: z.array(Credential) }), 'Your keys'), ...errorResponses(401, 403) },
});

const put = createRoute({
  method: 'put', path: '/{provider}', tags, security, middleware: [requireUser] as const,
  summary: 'Store or replace the key for a provider',
  request: { params: ProviderParam, body: jsonBody(PutCredential) },
  responses: { 200: jsonResponse(Credential, 'Stored'), ...errorResponses(400, 401, 403, 404, 422) },
});

const remove = createRoute({
  method: 'delete', path: '/{provider}', tags, security, middleware: [requireUser] as const,
  summary: 'Delete the key for a provider',
  request: { params: ProviderParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
});

const verify = createRoute({
  method: 'post', path: '/{provider}/verify', tags, security, middleware: [requireUser] as const,
  summary: "Check the stored key against the provider's models endpoint",
  description: "The outcome is recorded on the key (its `check_status`) until the key is saved again. Takes one of the caller's provider-key checks: 10, then one per 10 s, shared with the calls whose provider refused the caller's key, models lists included (429 `rate_limited` past it).",
  request: { params: ProviderParam },
  responses: { 200: jsonResponse(VerifyResult, 'Verification result'), ...errorResponses(401, 403, 404, 422, 429) },
});

export const credentialsRoutes = new OpenAPIHono<AppEnv>({ defaultHook })
  .openapi(list, async (c) => {
    const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<Row[]>`
      select provider, key_hint, base_url, check_status, checked_at, last_used_at, created_at, updated_at
        from public.api_credentials order by provider`);
    return c.json({ credentials: rows.map(toCredential) }, 200);
  })
  .openapi(put, async (c) => {
    const { provider: providerId } = c.req.valid('param');
    const body = c.req.valid('json');
    const { config, user } = c.var;
    const provider = requireProvider(config, providerId);
    if (provider.id === 'demo') throw new ApiError(422, 'unprocessable', 'The demo provider needs no key');
    if (provider.requires_key && !body.api_key) throw new ApiError(400, 'invalid_request', 'api_key: required for this provider');
    let baseUrl: string | null = null;
    if (body.base_url) {
      if (provider.base_url_mode === 'fixed') throw new ApiError(400, 'invalid_request', `base_url: ${provider.name} has a fixed endpoint`);
      baseUrl = (await assertSafeProviderUrl(body.base_url, config, c.var.deps.lookup)).toString().replace(/\/+$/, '');
    } else if (provider.base_url_mode === 'required') {
      throw new ApiError(400, 'invalid_request', 'base_url: required for a custom provider');
    }
    const apiKey = body.api_key ?? '';
    const encrypted = await encryptCredential(config.encryptionKeys, { userId: user.id, provider: provider.id, baseUrl }, apiKey);
    const hint = apiKey ? keyHint(apiKey) : '';
    // The API roles cannot write api_credentials (the Data API would let anyone re-point their
    // key); the named owner-side helper stores the row for the verified user.
    const row = await c.var.db.storeCredential(user.id, { provider: provider.id, encryptedKey: encrypted, keyHint: hint, baseUrl });
    c.var.log.info('credential stored', { provider: provider.id });
    return c.json(toCredential(row), 200);
  })
  .openapi(remove, async (c) => {
    const { provider } = c.req.valid('param');
    const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql`
      delete from public.api_credentials where provider = ${provider} returning id`);
    if (rows.length === 0) throw new ApiError(404, 'not_found', 'No key stored for this provider');
    return c.body(null, 204);
  })
  .openapi(verify, async (c) => {
    const { provider: providerId } = c.req.valid('param');
    const { config, db, user, deps } = c.var;
    // Verification calls a third party with the user's key: one check of the budget that every
    // way of telling a good key from a refused one shares (lib/key-checks.ts).
    await takeKeyCheck(db, user.id);
    const stored = await db.readCredentialCiphertext(user.id, providerId);
    const { client, provider, baseUrl } = await openProviderClient({ config, db, deps, user, log: c.var.log, providerId, missing: 'not_found', stored });
    const answer = async (status: z.infer<typeof VerifyResult>['status'], message: string) => {
      await recordKeyCheck(db, c.var.log, user.id, provider.id, stored, status);
      return c.json({ ok: status === 'ok', status, message }, 200);
    };
    try {
      await client.models.list({ timeout: Math.min(config.limits.providerTimeoutMs, 15_000) });
      return await answer('ok', provider.requires_key ? `${provider.name} accepted the key` : `${provider.name} answered at this base URL`);
    } catch (error) {
      const failure = await modelsListFailure(error);
      const status = checkOfFailure(failure);
      if (failure.kind === 'rejected') return await answer(status, `${provider.name} rejected the key (${failure.status}); check it and save it again`);
      if (failure.kind === 'no_list') {
        // A server at the wrong path (no /v1) answers 404 too: said first, as the likelier cause.
        const hint = missingV1Hint(userBaseUrlOf(provider, baseUrl), '/models');
        if (hint) return await answer(status, `${provider.name} has no models list at this base URL. ${hint}`);
        // Some gateways (StreamLake endpoints, some proxies) have no models list to check against.
        return await answer(status, `${provider.name} offers no models list to check the key against; it will be tried on your first chat`);
      }
      if (failure.status) return await answer(status, `${provider.name} answered ${failure.status}; try again later`);
      return await answer(status, `Could not reach ${provider.name}; check the base URL or try again later`);
    }
  });
