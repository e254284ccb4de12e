/**
 * /api/api-keys: keys a signed-in user creates for other apps (`mrp_…`, shown once, stored as
 * SHA-256), lists with their last use and what their calls cost, and revokes. A revoked key is
 * refused from then on but kept, listed as revoked with its spend, so the calls it made stay
 * attributed to it (after a leak: what did it spend, and when?). Managing keys needs a session: a request
 * made with an API key can never mint or revoke keys (requireUser refuses keys, and the
 * delete policy refuses claims carrying `api_key_id`). An account with two-factor sign-in
 * manages them only from an aal2 session (checked for every route, lib/auth.ts): a key outlives
 * the session that made it, so a password alone must not be able to mint one. Keys made before
 * two-factor sign-in was turned on keep working (revoking them would break integrations
 * silently); the list marks them (`made_before_two_factor`) so their owner can replace them.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { API_KEY_SCOPES, generateApiKey } from '../lib/api-keys.ts';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { rowQuotaReached } from '../lib/db-errors.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { trimmed } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

// Also held by private.create_api_key (20261207120000_record_usage_sources_and_deleted_projects.sql):
// live keys, and all keys with the revoked ones (kept so their calls stay attributed).
const MAX_KEYS = 50;
const MAX_KEYS_EVER = 1000;
const tooManyKeys = () => new ApiError(409, 'too_many_keys', `You have ${MAX_KEYS} keys; revoke one you no longer use first`);
const tooManyKeysEver = () =>
  new ApiError(409, 'too_many_keys', `You have made ${MAX_KEYS_EVER} keys, revoked ones included (they are kept with what they spent); no more can be made on this account`);
const quotaError = (error: unknown) => (/revoked ones included/.test((error as Error)?.message ?? '') ? tooManyKeysEver() : tooManyKeys());

const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first 12 characters, to recognise the key', example: 'mrp_Ab3dE9xQ' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: 'Updated at most once a minute' }),
    created_at: z.string(),
    made_before_two_factor: z.boolean().openapi({
      description: 'Made before two-factor sign-in was turned on (before the earliest verified factor), so by a session that never showed a second factor: it still works; consider replacing it',
    }),
    revoked_at: z.string().nullable().openapi({ description: 'When the key was revoked (it is refused since); null while it works' }),
    calls: z.number().int().openapi({ description: 'Provider calls the key made (the gateway, chats sent with it), ever' }),
    cost_usd: z.number().openapi({ description: 'What those calls cost, in USD at the prices in force when each ran (unpriced calls count 0)' }),
    unpriced_calls: z.number().int().openapi({ description: 'Calls to models without a price' }),
  })
  .openapi('ApiKey');

const CreatedApiKey = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself. Shown only in this response; store it now.', example: 'mrp_…' }),
}).openapi('CreatedApiKey');

const CreateApiKey = z
  .strictObject({
    name: trimmed(1, 100),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1)
      .transform((s) => [...new Set(s)])
      .openapi({ description: '`prompts:read`: read and resolve prompts; `chat`: render prompts, /chat and the /v1 gateway' }),
    expires_at: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .refine((d) => d.getTime() > Date.now(), 'must be in the future')
      .nullable()
      .optional(),
  })
  .openapi('CreateApiKey');

const tags = ['api-keys'];
const routes = {
  create: createRoute({
    method: 'post', path: '/', tags, security,
    summary: 'Create an API key for another app (the key is shown once)',
    request: { body: jsonBody(CreateApiKey) },
    responses: { 201: jsonResponse(CreatedApiKey, 'The new key, with the secret'), ...errorResponses(400, 401, 403, 409) },
  }),
  list: createRoute({
    method: 'get', path: '/', tags, security,
    summary: 'List my API keys (never the secret), revoked ones too, each with what its calls cost',
    responses: { 200: jsonResponse(z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList'), 'Working keys first, then revoked ones; newest first'), ...errorResponses(401, 403) },
  }),
  revoke: createRoute({
    method: 'delete', path: '/{id}', tags, security,
    summary: 'Revoke a key: the next request made with it is refused. The key stays listed, as revoked, with its usage (revoking again changes nothing)',
    request: { params: UuidParam() },
    responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 403, 404) },
  }),
};

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ('prompts:read' | 'chat')[];
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  made_before_two_factor: boolean;
  revoked_at: Date | null;
  calls: number;
  cost_usd: number;
  unpriced_calls: number;
}

const present = (row: KeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  expires_at: row.expires_at?.toISOString() ?? null,
  last_used_at: row.last_used_at?.toISOString() ?? null,
  created_at: row.created_at.toISOString(),
  made_before_two_factor: row.made_before_two_factor,
  revoked_at: row.revoked_at?.toISOString() ?? null,
  calls: row.calls,
  cost_usd: row.cost_usd,
  unpriced_calls: row.unpriced_calls,
});

export const apiKeysRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
apiKeysRoutes.use('*', requireUser);

apiKeysRoutes.openapi(routes.create, async (c) => {
  const input = c.req.valid('json');
  const [{ live, made }] = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql<{ live: number; made: number }[]>`
      select count(*) filter (where revoked_at is null)::int as live, count(*)::int as made
        from public.api_keys where user_id = ${c.var.user.id}`,
  );
  if (live >= MAX_KEYS) throw tooManyKeys();
  if (made >= MAX_KEYS_EVER) throw tooManyKeysEver();
  const secret = await generateApiKey();
  // The database counts again under a per-user lock (requests sent at once all pass the count above).
  const row = await c.var.db.createApiKey(c.var.user.id, {
    name: input.name,
    prefix: secret.prefix,
    hash: secret.hash,
    scopes: input.scopes,
    expiresAt: input.expires_at ?? null,
  }).catch((error: unknown) => {
    throw rowQuotaReached(error) ? quotaError(error) : error;
  });
  c.header('cache-control', 'no-store');
  // Made now, by a session that passed the aal2 check if the account has a factor.
  return c.json({ ...present({ ...row, made_before_two_factor: false, revoked_at: null, calls: 0, cost_usd: 0, unpriced_calls: 0 } as KeyRow), key: secret.key }, 201);
});

apiKeysRoutes.openapi(routes.list, async (c) => {
  // A key's calls through the partial index of logs made with a key (no row of a web turn is read).
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<KeyRow[]>`
    select k.id, k.name, k.prefix, k.scopes, k.expires_at, k.last_used_at, k.created_at, k.revoked_at,
           coalesce(k.created_at < (select public.two_factor_since()), false) as made_before_two_factor,
           u.calls, u.cost_usd, u.unpriced_calls
      from public.api_keys k
      cross join lateral (
        select count(*)::int as calls, coalesce(sum(l.cost_usd), 0)::float8 as cost_usd,
               count(*) filter (where l.cost_usd is null)::int as unpriced_calls
          from public.prompt_usage_logs l
         where l.api_key_id = k.id and l.user_id = k.user_id
      ) u
     where k.user_id = ${c.var.user.id}
     order by k.revoked_at is not null, k.revoked_at desc, k.created_at desc, k.id desc`);
  return c.json({ keys: rows.map(present) }, 200);
});

apiKeysRoutes.openapi(routes.revoke, async (c) => {
  const { id } = c.req.valid('param');
  // The database stamps revoked_at now (a trigger) and keeps the first stamp of a key revoked twice.
  const found = await c.var.db.withUserTransaction(c.var.user, (sql) => sql`
    with revoked as (
      update public.api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id
    )
    select id from revoked union all select id from public.api_keys where id = ${id} and revoked_at is not null`);
  if (found.length === 0) throw notFound('API key');
  return c.body(null, 204);
});
