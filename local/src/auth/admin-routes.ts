/**
 * /admin/users (https://supabase.com/docs/reference/javascript/auth-admin-api): create, get, list (page/per_page with x-total-count and link headers),
 * update and delete. Only a service_role token (the secret key, mapped by the gateway) may
 * call them; anything else gets 403 not_admin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { z } from 'zod';
import { clearOneTimeTokens } from './email-tokens.ts';
import { AuthError, readBody, sendJson } from './http.ts';
import { assertStrongPassword } from './password.ts';
import { downgradeSessionsToAal1, endSessions } from './sessions.ts';
import type { RouteContext } from './user-routes.ts';
import { UUID_PATTERN, ensureEmailIdentityForPassword, findUserByEmail, findUserById, insertUser, mergeMetadata, setEmailIdentity, userJson, validateEmail } from './users.ts';

const metadata = z.record(z.string(), z.unknown());
const BCRYPT_HASH = /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

const userAttributes = z.object({
  email: z.string().trim().max(255).optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  password_hash: z.string().regex(BCRYPT_HASH, 'only bcrypt password hashes are supported').optional(),
  email_confirm: z.boolean().optional(),
  phone_confirm: z.boolean().optional(),
  user_metadata: metadata.optional(),
  app_metadata: metadata.optional(),
  role: z.string().max(64).optional(),
  ban_duration: z.string().optional(),
  id: z.string().regex(UUID_PATTERN).optional(),
});

/** GoTrue's paginate(): an absent or empty page/per_page means page 1 and 50 per page. */
function pagination(query: URLSearchParams): { page: number; perPage: number } {
  const read = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1_000_000) {
      throw new AuthError(400, 'validation_failed', `Bad Pagination Parameters: invalid ${name} ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
  return { page: read('page', 1), perPage: Math.min(read('per_page', 50), 1000) };
}

/** Go duration strings as GoTrue accepts them ("24h", "1h30m", "90s"), or "none". */
export function banUntil(duration: string | undefined): Date | null | undefined {
  if (duration === undefined) return undefined;
  if (duration === 'none') return null;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== duration) {
    throw new AuthError(400, 'validation_failed', 'invalid format for ban duration');
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
  return new Date(Date.now() + ms);
}

export async function createUser(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, userAttributes);
  if (body.phone) throw new AuthError(422, 'phone_provider_disabled', 'Phone logins are disabled');
  if (!body.email) throw new AuthError(400, 'validation_failed', 'Cannot create a user without either an email or phone');
  const email = validateEmail(body.email);
  if (body.password && body.password_hash) {
    throw new AuthError(400, 'validation_failed', 'Only a password or a password hash should be provided');
  }
  if (body.password !== undefined) assertStrongPassword(body.password, ctx.config);
  const user = await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${email}`}))`;
    if (await findUserByEmail(tx, email)) {
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    }
    if (body.id && (await findUserById(tx, body.id))) throw new AuthError(422, 'user_already_exists', 'User already registered');
    const created = await insertUser(tx, {
      source: 'admin',
      id: body.id,
      email,
      // GoTrue gives a user created without a password a random one nobody knows.
      password: body.password_hash ? null : (body.password ?? randomBytes(24).toString('base64url')),
      passwordHash: body.password_hash,
      emailConfirmed: body.email_confirm ?? false,
      userMetadata: body.user_metadata ?? {},
      appMetadata: body.app_metadata,
      role: body.role,
      bannedUntil: banUntil(body.ban_duration) ?? null,
    });
    return await userJson(tx, created);
  });
  sendJson(res, 200, user);
}

export async function getUserById(ctx: RouteContext, res: ServerResponse, id: string): Promise<void> {
  const user = await findUserById(ctx.sql, id);
  if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
  sendJson(res, 200, await userJson(ctx.sql, user));
}

export async function listUsers(ctx: RouteContext, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const { page, perPage } = pagination(query);
  const [{ count } = { count: 0 }] = await ctx.sql<{ count: number }[]>`select count(*)::int as count from auth.users`;
  const rows = await ctx.sql<{ id: string }[]>`
    select id from auth.users order by created_at desc, id limit ${perPage} offset ${(page - 1) * perPage}`;
  const users = [];
  for (const row of rows) {
    const user = await findUserById(ctx.sql, row.id);
    if (user) users.push(await userJson(ctx.sql, user));
  }
  // auth-js reads the page number right after "page=", so it comes first in each link.
  const last = Math.max(1, Math.ceil(count / perPage));
  const links = [];
  if (page < last) links.push(`</admin/users?page=${page + 1}&per_page=${perPage}>; rel="next"`);
  links.push(`</admin/users?page=${last}&per_page=${perPage}>; rel="last"`);
  sendJson(res, 200, { users, aud: 'authenticated' }, { 'x-total-count': String(count), link: links.join(', ') });
}

export async function updateUserById(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const body = await readBody(req, userAttributes.omit({ id: true }));
  if (body.password !== undefined) assertStrongPassword(body.password, ctx.config);
  const email = body.email ? validateEmail(body.email) : undefined;
  const banned = banUntil(body.ban_duration);
  const user = await ctx.sql.begin(async (tx) => {
    const current = await findUserById(tx, id);
    if (!current) throw new AuthError(404, 'user_not_found', 'User not found');
    if (email) {
      const owner = await findUserByEmail(tx, email);
      if (owner && owner.id !== id) {
        throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      }
      await tx`update auth.users set email = ${email} where id = ${id}`;
      // adminUserUpdate (internal/api/admin.go) runs this for any `email` given, the current
      // one too: the `email` identity is created or takes the address, verified as
      // `email_confirm` says. Before the first-password step below, which then finds it.
      // GoTrue answers with the identities it loaded before the update (an existing one's old
      // identity_data); this answers with what is stored, as getUserById then shows.
      await setEmailIdentity(tx, id, email, body.email_confirm === true, false);
    }
    if (body.password !== undefined) {
      await tx`update auth.users set encrypted_password = extensions.crypt(${body.password}, extensions.gen_salt('bf', 10)) where id = ${id}`;
    } else if (body.password_hash) {
      await tx`update auth.users set encrypted_password = ${body.password_hash} where id = ${id}`;
    }
    if (body.password !== undefined || body.password_hash) {
      // GoTrue's adminUserUpdate calls UpdatePassword(tx, nil) (internal/api/admin.go,
      // internal/models/user.go): outstanding links and codes are void and, with no session
      // of the admin's to keep, every session of the user ends (Logout).
      await clearOneTimeTokens(tx, id);
      await endSessions(tx, id, undefined, 'global');
    }
    if (body.email_confirm) await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${id}`;
    // As adminUserUpdate (internal/api/admin.go): a first password — not a password_hash — adds
    // the `email` identity, after the address is confirmed by this same call.
    if (body.password !== undefined && !current.encrypted_password) await ensureEmailIdentityForPassword(tx, id);
    // GoTrue's Confirm() marks the address verified in user_metadata.
    const metadataUpdates = { ...body.user_metadata, ...(body.email_confirm ? { email_verified: true } : {}) };
    if (Object.keys(metadataUpdates).length) {
      const merged = mergeMetadata(current.raw_user_meta_data, metadataUpdates);
      await tx`update auth.users set raw_user_meta_data = ${tx.json(merged as postgres.JSONValue)} where id = ${id}`;
    }
    if (body.app_metadata) {
      const merged = mergeMetadata(current.raw_app_meta_data, body.app_metadata);
      await tx`update auth.users set raw_app_meta_data = ${tx.json(merged as postgres.JSONValue)} where id = ${id}`;
    }
    if (body.role) await tx`update auth.users set role = ${body.role} where id = ${id}`;
    if (banned !== undefined) {
      await tx`update auth.users set banned_until = ${banned} where id = ${id}`;
      // A ban ends the user's sessions at once, not at the next refresh.
      if (banned) await tx`delete from auth.sessions where user_id = ${id}`;
    }
    await tx`update auth.users set updated_at = now() where id = ${id}`;
    return await userJson(tx, (await findUserById(tx, id))!);
  });
  sendJson(res, 200, user);
}

const deleteBody = z.object({ should_soft_delete: z.boolean().optional() });

export async function deleteUserById(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const body = await readBody(req, deleteBody);
  const user = await findUserById(ctx.sql, id);
  if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
  if (body.should_soft_delete) {
    await ctx.sql.begin(async (tx) => {
      await tx`delete from auth.sessions where user_id = ${id}`;
      await tx`delete from auth.identities where user_id = ${id}`;
      await tx`
        update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '',
          raw_user_meta_data = '{}'::jsonb, updated_at = now()
        where id = ${id}`;
    });
  } else {
    // Deleting the auth user cascades to the app's rows (profiles and everything they own).
    await ctx.sql`delete from auth.users where id = ${id}`;
  }
  sendJson(res, 200, {});
}

/** GET /admin/users/:id/factors and DELETE /admin/users/:id/factors/:factor (auth-js admin.mfa). */
export async function userFactors(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, userId: string, factorId?: string): Promise<void> {
  const user = await findUserById(ctx.sql, userId);
  if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
  if (!factorId && req.method === 'GET') {
    const json = await userJson(ctx.sql, user);
    return sendJson(res, 200, json.factors ?? []);
  }
  if (factorId && req.method === 'DELETE') {
    // As GoTrue's adminUserDeleteFactor (internal/api/admin.go): the sessions the factor
    // raised drop to aal1 in the same transaction.
    const deleted = !UUID_PATTERN.test(factorId) ? [] : await ctx.sql.begin(async (tx) => {
      const rows = await tx<{ id: string; factor_type: string }[]>`
        delete from auth.mfa_factors where id = ${factorId} and user_id = ${userId} returning id, factor_type::text`;
      for (const row of rows) await downgradeSessionsToAal1(tx, userId, row.id, row.factor_type);
      return rows;
    });
    if (!deleted.length) throw new AuthError(404, 'mfa_factor_not_found', 'Factor not found');
    return sendJson(res, 200, { id: factorId });
  }
  throw new AuthError(405, 'method_not_allowed', 'Method not allowed');
}
