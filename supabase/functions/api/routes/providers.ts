/** GET /api/providers: the catalog, with which providers the caller can use right now. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
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
  responses: { 200: jsonResponse(z.object({ providers: z.array(Provider) }), 'Providers'), ...errorResponses(401) },
});

export const providersRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(list, async (c) => {
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<{ provider: string }[]>`
    select provider from public.api_credentials`);
  const stored = new Set(rows.map((r) => r.provider));
  const providers = listProviders(c.var.config).map(({ embedding, ...p }) => ({
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
  return c.json({ providers }, 200);
});
