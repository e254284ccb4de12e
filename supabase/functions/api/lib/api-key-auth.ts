/**
 * requireUserOrKey: the middleware for routes that other apps may call with an API key.
 * A session JWT is verified as by requireUser; a `Bearer mrp_…` key is looked up by its
 * SHA-256 on every request (no cache: a revoked or expired key is refused on the very next
 * request) and must hold one of the scopes the route accepts. The request then runs as the
 * key's owner (lib/api-keys.ts apiKeyClaims), so RLS applies exactly as for the owner.
 *
 *   routes.use('*', requireUserOrKey((c) => (c.req.method === 'GET' ? ['prompts:read'] : null)))
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { apiKeyClaims, hashApiKey, isWellFormedApiKey, looksLikeApiKey, type ApiKeyScope } from './api-keys.ts';
import type { AppEnv, AuthUser } from './context.ts';
import { assertSessionAccess } from './auth.ts';
import { ApiError, sessionRequired } from './errors.ts';

/** The scopes that may call this request with a key; null = sessions only. */
export type ScopeRule = ApiKeyScope[] | null | ((c: Context<AppEnv>) => ApiKeyScope[] | null);

const INVALID_KEY = 'Invalid, expired or revoked API key';

/**
 * `sessionCheckedByRoute`: the route refuses a signed-out session's token, and an aal1 one of
 * an account with a second factor, itself, in a statement it makes anyway before it does
 * anything (POST /chat's gate), so the middleware spares that round trip.
 */
export function requireUserOrKey(rule: ScopeRule, options: { sessionCheckedByRoute?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new ApiError(401, 'unauthorized', 'Sign in first, or send an API key: missing Bearer token');
    const token = match[1];
    if (!looksLikeApiKey(token)) {
      const user = await c.var.verifyToken(token);
      if (!options.sessionCheckedByRoute) await assertSessionAccess(c, user);
      c.set('user', user);
      return await next();
    }
    const accepted = typeof rule === 'function' ? rule(c) : rule;
    if (!accepted) throw sessionRequired();
    c.set('user', await authenticateKey(c, token, accepted));
    await next();
  });
}

async function authenticateKey(c: Context<AppEnv>, token: string, accepted: ApiKeyScope[]): Promise<AuthUser> {
  if (!isWellFormedApiKey(token)) throw new ApiError(401, 'unauthorized', INVALID_KEY);
  // The key is marked used only when it holds an accepted scope: a refused call is no use of it.
  const key = await c.var.db.authenticateApiKey(await hashApiKey(token), accepted);
  if (!key) throw new ApiError(401, 'unauthorized', INVALID_KEY);
  if (!accepted.some((scope) => key.scopes.includes(scope))) {
    throw new ApiError(403, 'insufficient_scope', `This API key needs the ${accepted.map((s) => `\`${s}\``).join(' or ')} scope for this request`);
  }
  return { id: key.userId, email: key.email, claims: apiKeyClaims(key), apiKey: { id: key.keyId, scopes: key.scopes } };
}
