/**
 * GET /api/providers: the catalog, with which providers the caller can use right now.
 * GET /api/providers/{id}/models: the models the provider itself lists for the caller's key.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { assertSessionAccessForProviderCall, requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
import { requireProvider } from '../lib/provider-client.ts';
import { listProviderModels, MODEL_LIST_FAILURE_CODES } from '../lib/provider-models.ts';
import { listProviders } from '../lib/providers.ts';

const Model = z.object({ id: z.string(), name: z.string(), context_window: z.number().int(), vision: z.boolean().openapi({ description: 'Reads images attached to a message' }) }).openapi('ProviderModel');
const Provider = z
  .object({
    id: z.string(),
    name: z.string(),
    base_url: z.string().nullable(),
    base_url_mode: z.enum(['fixed', 'optional', 'required']),
    requires_key: z.boolean(),
    any_model: z.boolean(),
    default_context_window: z.number().int(),
    docs_url: z.string().optional(),
    models: z.array(Model),
    embedding_model: z.string().nullable().openapi({
      description: "The model that ranks the caller's project files by meaning when this provider has their key and the database has pgvector; null: none",
    }),
    has_credential: z.boolean(),
    available: z.boolean().openapi({ description: 'True when the caller has a stored key or the provider needs none' }),
  })
  .openapi('Provider');

const list = createRoute({
  method: 'get', path: '/', tags: ['providers'], security, middleware: [requireUser] as const,
  summary: 'Provider catalog with models, context windows and availability for the caller',
  responses: {
    200: jsonResponse(z.object({
      providers: z.array(Provider),
      max_message_chars: z.number().int().openapi({ description: "The most characters POST /chat takes in a message (MAX_MESSAGE_CHARS): a client can say so before sending" }),
    }), 'Providers'),
    ...errorResponses(401),
  },
});

const ListedModel = z
  .object({
    id: z.string(),
    name: z.string().nullable().openapi({ description: "The provider's display name, where it gives one" }),
    context_window: z.number().int().nullable().openapi({ description: 'Tokens, where the provider says' }),
  })
  .openapi('ListedModel');

// The 502 names its codes, so the web app words the reason (lib/chat/send-blocked.ts) from a
// generated union rather than from the provider wording in `message`.
const ModelsListError = z
  .object({
    error: z
      .object({
        code: z.enum(MODEL_LIST_FAILURE_CODES).openapi({
          description: 'provider_rejected_key: the provider refused the key (401/403); models_unavailable: it has no models list (404); provider_unreachable: anything else',
        }),
        message: z.string(),
      })
      .catchall(z.unknown()),
  })
  .openapi('ModelsListError');

const models = createRoute({
  method: 'get', path: '/{id}/models', tags: ['providers'], security, middleware: [requireUser] as const,
  summary: "The models the provider lists for the caller's key (its OpenAI-compatible GET /models)",
  description:
    'Asks the provider with the caller\'s stored key (or none, for keyless providers); a list is kept ten minutes per key, a failure two (answered again without calling the provider). ' +
    'A call to the provider (not a kept answer) takes one of the caller\'s model-list calls (10, then one per 10 s; 429 past it), and is made only while they have a provider-key check left (the budget POST /credentials/{provider}/verify draws on; 429 without one); a key the provider refuses takes one of those checks. ' +
    '422 missing_credential without a key; 502 provider_rejected_key, models_unavailable (the provider has no models list) or provider_unreachable.',
  request: { params: z.object({ id: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be a provider id such as "openai"').openapi({ param: { name: 'id', in: 'path' }, example: 'openrouter' }) }) },
  responses: {
    200: jsonResponse(z.object({ models: z.array(ListedModel) }), 'Models'),
    ...errorResponses(401, 404, 422, 429),
    502: jsonResponse(ModelsListError, 'The provider gave no list (the code says why)'),
  },
});

export const providersRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(list, async (c) => {
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<{ provider: string }[]>`
    select provider from public.api_credentials`);
  const stored = new Set(rows.map((r) => r.provider));
  const providers = listProviders(c.var.config).map(({ embedding, listed_by_provider: _listed, ...p }) => ({
    ...p,
    embedding_model: embedding?.id ?? null,
    // The demo URL is the server's own (often loopback); clients have no use for it.
    base_url: p.id === 'demo' ? null : p.base_url,
    has_credential: stored.has(p.id),
    // Keyless providers work without a credential, except Ollama's default localhost URL,
    // which only servers allowing private provider URLs (the local stack) may call.
    available:
      stored.has(p.id) ||
      (!p.requires_key && (p.base_url_mode === 'fixed' || (p.base_url_mode === 'optional' && c.var.config.allowPrivateProviderUrls))),
  }));
  return c.json({ providers, max_message_chars: c.var.config.limits.maxMessageChars }, 200);
}).openapi(models, async (c) => {
  const { config, db, deps, user } = c.var;
  const provider = requireProvider(config, c.req.valid('param').id);
  // A read, so requireUser left the session (and its aal) unchecked; this one uses the stored key.
  await assertSessionAccessForProviderCall(c);
  const stored = await db.readCredentialCiphertext(user.id, provider.id);
  return c.json({ models: await listProviderModels({ config, db, deps, user, log: c.var.log, provider, stored }) }, 200);
});
