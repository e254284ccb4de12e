/**
 * Who is calling a user or admin endpoint, checked as GoTrue checks it: a Bearer token that
 * verifies (ES256 via the JWKS or the legacy HS256 secret), a `sub` naming an existing user
 * and a `session_id` naming a live session — so a signed-out token stops working at once.
 */
import type { IncomingMessage } from 'node:http';
import { verifyToken, type StackKeys, type VerifiedClaims } from '../keys/index.ts';
import { AuthError, bearerToken } from './http.ts';
import { findUserById, type Db, type UserRow } from './users.ts';

const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);

async function verifiedClaims(req: IncomingMessage, keys: StackKeys): Promise<VerifiedClaims> {
  const token = bearerToken(req);
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return await verifyToken(keys, token);
  } catch {
    throw new AuthError(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is invalid or expired');
  }
}

export interface Caller {
  user: UserRow;
  claims: VerifiedClaims;
  sessionId: string | undefined;
}

export async function requireUser(req: IncomingMessage, keys: StackKeys, db: Db): Promise<Caller> {
  const claims = await verifiedClaims(req, keys);
  if (typeof claims.sub !== 'string' || !claims.sub) {
    throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
  }
  const user = await findUserById(db, claims.sub);
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : undefined;
  if (sessionId) {
    const [session] = await db`select 1 from auth.sessions where id = ${sessionId} and user_id = ${user.id}`;
    if (!session) throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, claims, sessionId };
}

export async function requireAdmin(req: IncomingMessage, keys: StackKeys): Promise<void> {
  const claims = await verifiedClaims(req, keys);
  if (!claims.role || !ADMIN_ROLES.has(claims.role)) throw new AuthError(403, 'not_admin', 'User not allowed');
}
