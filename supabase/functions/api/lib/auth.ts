/**
 * requireUser: verifies the Bearer access token and sets c.var.user.
 * Asymmetric tokens (ES256/RS256) verify against the JWKS — SUPABASE_JWKS from env, else
 * fetched from the auth server (5 s timeout) and cached for 10 minutes; HS256 against the
 * legacy JWT secret (`SUPABASE_JWT_SECRET`, or `JWT_SECRET` on hosted projects where
 * `SUPABASE_*` secret names are reserved) or an `oct` key in the JWKS, as the Supabase CLI
 * provides. The issuer must be this project's auth server (`<SUPABASE_URL>/auth/v1`, or
 * `JWT_ISSUER`). `alg: none`, unsigned, expired, wrong-audience or foreign-issuer tokens
 * are refused with 401.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { createLocalJWKSet, importJWK, jwtVerify, type JWK, type JWTPayload, type JWSHeaderParameters } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { AppEnv, AuthUser } from './context.ts';
import { aalOf, sessionIdOf } from './db.ts';
import { ApiError, sessionRequired } from './errors.ts';

const ASYMMETRIC = ['ES256', 'RS256', 'EdDSA'];
const JWKS_TTL_MS = 10 * 60_000;
// A kid we do not know triggers at most one refetch per this interval (key rotation).
const JWKS_REFETCH_MS = 30_000;
const JWKS_FETCH_TIMEOUT_MS = 5_000;
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

const claimsSchema = z.looseObject({
  sub: z.uuid(),
  email: z.string().optional(),
  role: z.string().optional(),
});

type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | Uint8Array>;

/** Builds the verifier once per app; it holds the JWKS cache. */
export function createTokenVerifier(config: Config, fetchImpl: typeof fetch) {
  let cached: { at: number; set: ReturnType<typeof createLocalJWKSet>; keys: JWK[] } | null = null;
  let lastFetch = 0;

  async function loadJwks(force: boolean) {
    if (config.jwks) {
      cached ??= { at: Date.now(), set: createLocalJWKSet({ keys: config.jwks.keys as JWK[] }), keys: config.jwks.keys as JWK[] };
      return cached;
    }
    const age = cached ? Date.now() - cached.at : Infinity;
    // Fresh enough: serve it. A forced refetch (unknown kid) is limited to one per interval.
    if (cached && !force && age < JWKS_TTL_MS) return cached;
    if (cached && force && Date.now() - lastFetch < JWKS_REFETCH_MS) return cached;
    lastFetch = Date.now();
    let response: Response;
    try {
      response = await fetchImpl(`${config.supabaseUrl}/auth/v1/.well-known/jwks.json`, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS) });
    } catch {
      response = new Response(null, { status: 504 });
    }
    if (!response.ok) {
      // Keep verifying with the keys we had rather than failing every request while the
      // auth server is briefly away; without any keys, say so.
      if (cached) return cached;
      throw new ApiError(503, 'auth_unavailable', 'Could not load the signing keys to verify your session');
    }
    const body = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).parse(await response.json());
    const keys = body.keys as JWK[];
    cached = { at: Date.now(), set: createLocalJWKSet({ keys }), keys };
    return cached;
  }

  const resolveKey: KeyResolver = async (header) => {
    if (header.alg === 'HS256') {
      if (config.jwtSecret) return new TextEncoder().encode(config.jwtSecret);
      const oct = config.jwks?.keys.find((k) => k.kty === 'oct');
      if (oct) return (await importJWK(oct as JWK, 'HS256')) as CryptoKey | Uint8Array;
      throw new ApiError(401, 'unauthorized', 'HS256 tokens are not accepted');
    }
    if (!header.alg || !ASYMMETRIC.includes(header.alg)) throw new ApiError(401, 'unauthorized', 'Unsupported token algorithm');
    const jwks = await loadJwks(false);
    try {
      return await jwks.set(header);
    } catch {
      // Unknown kid: the auth server may have rotated keys since we cached them.
      return await (await loadJwks(true)).set(header);
    }
  };

  // Tokens that verified, for a short while: a signed-in client sends the same token with
  // every request, and a signature check costs more than the rest of a small request. An
  // entry lives at most VERIFIED_TTL_MS (a key removed from the JWKS stops being accepted
  // within that) and never past the token's exp.
  const verified = new Map<string, { user: AuthUser; until: number }>();

  return async function verify(token: string): Promise<AuthUser> {
    const hit = verified.get(token);
    if (hit) {
      if (hit.until > Date.now()) return hit.user;
      verified.delete(token);
    }
    // Shared by every request with this token: frozen, so no request can change another's.
    const user = Object.freeze(await verifyUncached(token));
    Object.freeze(user.claims);
    const exp = typeof user.claims.exp === 'number' ? user.claims.exp * 1000 : 0;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { user, until: Math.min(exp, Date.now() + VERIFIED_TTL_MS) });
    return user;
  };

  async function verifyUncached(token: string): Promise<AuthUser> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, resolveKey, {
        algorithms: ['HS256', ...ASYMMETRIC],
        audience: 'authenticated',
        issuer: config.jwtIssuers,
        requiredClaims: ['exp', 'sub', 'iss'],
      }));
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) throw error;
      throw new ApiError(401, 'unauthorized', 'Invalid or expired access token');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || (claims.data.role && claims.data.role !== 'authenticated')) {
      throw new ApiError(401, 'unauthorized', 'This token does not belong to a signed-in user');
    }
    return { id: claims.data.sub, email: claims.data.email || null, claims: payload as Record<string, unknown> };
  }
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A change asked with a token the account may no longer, or not yet, act with is refused: a
 * signed-out session's (401 session_ended, though the token is unexpired: Auth's access tokens
 * outlive their session, https://supabase.com/docs/guides/auth/signout), or an aal1 session of
 * an account with a verified second factor (403 insufficient_aal: the password alone,
 * https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins). Some writes run
 * on the owner connection, past RLS's own checks (public.session_is_live,
 * public.meets_mfa_requirement): storing a provider key, creating an API key, a gateway call on
 * the stored key, imports, bulk deletes. Reads run as the user, under RLS, and a transaction as
 * the user checks both first (lib/db.ts), so they need no extra trip; nor does an aal2 token of
 * a session-less caller (API keys are checked with the key).
 */
export async function assertSessionAccess(c: Context<AppEnv>, user: AuthUser): Promise<void> {
  if (!READS.has(c.req.method) && needsSessionCheck(user)) await c.var.db.requireSessionAccess(user);
}

/**
 * The same check for a read that calls a provider with the caller's stored key (GET
 * /providers/{id}/models): it reads the key on the owner connection and never opens a
 * transaction as the user, so nothing else would refuse the token before the provider is
 * called with the key. Call it before reading the key.
 */
export async function assertSessionAccessForProviderCall(c: Context<AppEnv>): Promise<void> {
  if (needsSessionCheck(c.var.user)) await c.var.db.requireSessionAccess(c.var.user);
}

const needsSessionCheck = (user: AuthUser) => sessionIdOf(user) !== null || aalOf(user) !== 'aal2';

/**
 * Requests requireUser has let through. Route files mounted at one path (the nine under
 * /sessions) each say `use('*', requireUser)`, and Hono registers a sub-app's middleware under
 * its mount path for every route there, so a request to the last of them met all nine: nine
 * token verifications and, for a write, nine session checks on the database. Once is enough.
 */
const signedIn = new WeakSet<Context<AppEnv>>();

/**
 * Middleware for routes: 401 unless a valid user access token is presented; sets c.var.user.
 *   route.use('/*', requireUser)   or   createRoute({ middleware: [requireUser], ... })
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (signedIn.has(c)) return await next();
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', 'Sign in first: missing Bearer access token');
  // API keys are accepted only where a route opts in (lib/api-key-auth.ts requireUserOrKey).
  if (match[1].startsWith('mrp_')) throw sessionRequired();
  const user = await c.var.verifyToken(match[1]);
  await assertSessionAccess(c, user);
  c.set('user', user);
  signedIn.add(c);
  await next();
});
