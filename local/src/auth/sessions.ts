/**
 * Sessions and refresh tokens as GoTrue keeps them: one auth.sessions row per sign-in (its
 * id is the JWT `session_id`), the `amr` claims in auth.mfa_amr_claims, and a chain of
 * single-use refresh tokens in auth.refresh_tokens linked by `parent`.
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { AuthConfig } from '../config.ts';
import { signAccessToken, type StackKeys } from '../keys/index.ts';
import { AuthError } from './http.ts';
import { NIL_UUID, findUserById, userJson, type Db, type UserRow } from './users.ts';

export interface SessionContext {
  sql: postgres.Sql;
  keys: StackKeys;
  config: AuthConfig;
  issuer: string;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  parent: string | null;
  session_id: string | null;
  updated_at: Date;
}

/** An opaque refresh token; GoTrue's are short random strings too. */
function newRefreshToken(): string {
  return randomBytes(18).toString('base64url');
}

/** Starts a session for a user who just proved who they are with `method`. */
export async function createSession(db: Db, user: UserRow, method: string, client: ClientInfo): Promise<{ sessionId: string; refreshToken: string }> {
  const ip = /^[0-9a-f.:]+$/i.test(client.ip) ? client.ip : null;
  const [session] = await db<{ id: string }[]>`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
    values (gen_random_uuid(), ${user.id}, now(), now(), 'aal1', ${client.userAgent?.slice(0, 512) ?? null}, ${ip}::inet)
    returning id`;
  const sessionId = session!.id;
  await db`
    insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
    values (${sessionId}, now(), now(), ${method}, gen_random_uuid())`;
  const refreshToken = await insertRefreshToken(db, user.id, sessionId, null);
  await db`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${user.id}`;
  await db`update auth.identities set last_sign_in_at = now() where user_id = ${user.id} and provider = 'email'`;
  return { sessionId, refreshToken };
}

/** A fresh refresh token for a session whose level just changed (MFA verify); the older
 * tokens of the session are revoked. */
export async function reissueRefreshToken(db: Db, userId: string, sessionId: string): Promise<string> {
  await db`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${sessionId} and revoked = false`;
  return await insertRefreshToken(db, userId, sessionId, null);
}

async function insertRefreshToken(db: Db, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = newRefreshToken();
  await db`
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
    values (${NIL_UUID}, ${token}, ${userId}, false, now(), now(), ${parent}, ${sessionId})`;
  return token;
}

/** A session as GoTrue's token endpoint answers it (access_token, token_type, expires_in, expires_at, refresh_token, user). */
export async function sessionResponse(ctx: SessionContext, db: Db, userId: string, sessionId: string, refreshToken: string): Promise<Record<string, unknown>> {
  const user = await findUserById(db, userId);
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  const claims = await db<{ authentication_method: string; updated_at: Date }[]>`
    select authentication_method, updated_at from auth.mfa_amr_claims
    where session_id = ${sessionId} order by updated_at desc`;
  const [session] = await db<{ aal: string | null }[]>`select aal::text from auth.sessions where id = ${sessionId}`;
  const iat = Math.floor(Date.now() / 1000);
  const expiresIn = ctx.config.jwt_expiry;
  const accessToken = await signAccessToken(ctx.keys, {
    iss: ctx.issuer,
    sub: user.id,
    aud: user.aud ?? 'authenticated',
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal: (session?.aal ?? 'aal1') as 'aal1' | 'aal2' | 'aal3',
    amr: claims.map((claim) => ({ method: claim.authentication_method, timestamp: Math.floor(claim.updated_at.getTime() / 1000) })),
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  }, { expiresInSeconds: expiresIn, issuedAt: iat });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expiresIn,
    expires_at: iat + expiresIn,
    refresh_token: refreshToken,
    user: await userJson(db, user),
  };
}

/**
 * grant_type=refresh_token with GoTrue's rotation rules: a live token is swapped for a new
 * one; a revoked token that is the parent of the session's live token gets that live token
 * back (the client lost the previous answer); a revoked token used again after
 * `refresh_token_reuse_interval` seconds revokes the whole session: 400 refresh_token_already_used.
 */
export async function refreshGrant(ctx: SessionContext, presented: string): Promise<Record<string, unknown>> {
  const outcome = await ctx.sql.begin(async (tx) => {
    const [token] = await tx<RefreshTokenRow[]>`
      select id, token, user_id, revoked, parent, session_id, updated_at from auth.refresh_tokens
      where token = ${presented} for update`;
    if (!token) return new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    const [session] = token.session_id
      ? await tx<{ id: string; not_after: Date | null }[]>`
          select id, not_after from auth.sessions where id = ${token.session_id} for update`
      : [];
    if (!session) return new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
    if (session.not_after && session.not_after.getTime() < Date.now()) {
      return new AuthError(400, 'session_expired', 'Invalid Refresh Token: Session Expired');
    }
    const user = await findUserById(tx, token.user_id);
    if (!user) return new AuthError(400, 'user_not_found', 'Invalid Refresh Token: User Not Found');
    if (user.banned_until && user.banned_until.getTime() > Date.now()) return new AuthError(400, 'user_banned', 'User is banned');

    let issued: string;
    if (token.revoked) {
      const [active] = await tx<{ token: string; parent: string | null }[]>`
        select token, parent from auth.refresh_tokens
        where session_id = ${session.id} and revoked = false order by id desc limit 1`;
      if (active && active.parent === token.token) {
        issued = active.token;
      } else {
        const reuseUntil = token.updated_at.getTime() + ctx.config.refresh_token_reuse_interval * 1000;
        if (Date.now() > reuseUntil) {
          // A stolen-and-replayed token: end the session so neither party keeps it.
          await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${session.id} and revoked = false`;
          await tx`delete from auth.sessions where id = ${session.id}`;
          return new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        }
        issued = await insertRefreshToken(tx, user.id, session.id, token.token);
      }
    } else {
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${token.id}`;
      issued = await insertRefreshToken(tx, user.id, session.id, token.token);
    }
    await tx`update auth.sessions set refreshed_at = now(), updated_at = now() where id = ${session.id}`;
    return await sessionResponse(ctx, tx, user.id, session.id, issued);
  });
  // Errors are returned, not thrown, so the revocation above commits.
  if (outcome instanceof AuthError) throw outcome;
  return outcome;
}

/** POST /logout: global ends every session of the user, local this one, others the rest. */
export async function endSessions(db: Db, userId: string, sessionId: string | undefined, scope: 'global' | 'local' | 'others'): Promise<void> {
  if (scope === 'global' || !sessionId) {
    if (scope !== 'others') await db`delete from auth.sessions where user_id = ${userId}`;
    return;
  }
  if (scope === 'local') await db`delete from auth.sessions where id = ${sessionId} and user_id = ${userId}`;
  else await db`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
}

/** The amr method a verified factor of each type adds (GoTrue factor.go amrMethodForFactorType). */
const FACTOR_AMR: Record<string, string> = { totp: 'totp', phone: 'mfa/phone', webauthn: 'mfa/webauthn' };

/**
 * GoTrue's Factor.DowngradeSessionsToAAL1 (internal/models/factor.go), run in the transaction
 * that deletes the factor: every session the factor raised loses the factor's amr claim and
 * goes back to aal1 with no factor_id, so its next refresh mints aal1 tokens. Sessions raised
 * by another factor keep aal2.
 */
export async function downgradeSessionsToAal1(db: Db, userId: string, factorId: string, factorType: string): Promise<void> {
  const method = FACTOR_AMR[factorType] ?? factorType;
  await db`
    delete from auth.mfa_amr_claims where authentication_method = ${method}
      and session_id in (select id from auth.sessions where user_id = ${userId} and factor_id = ${factorId})`;
  await db`update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where user_id = ${userId} and factor_id = ${factorId}`;
}
