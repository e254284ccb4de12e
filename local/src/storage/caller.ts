/**
 * Who is calling, decided as the Storage API's JWT plugin decides it (src/http/plugins/jwt.ts):
 * the Bearer token the gateway forwarded (a user's access token, or the anon/service_role key
 * an API key was mapped to) must verify; routes that serve public or signed content accept a
 * missing or invalid one and run as `anon`.
 */
import type { IncomingMessage } from 'node:http';
import { verifyToken, type StackKeys } from '../keys/index.ts';
import { ERRORS } from './errors.ts';

/** The database roles a token may assume; anything else is refused. */
const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

export interface Caller {
  role: string;
  claims: Record<string, unknown>;
  jwt: string;
  /** The user id (`sub`), the object owner recorded on uploads. */
  owner?: string;
  authenticated: boolean;
}

export const ANONYMOUS: Caller = { role: 'anon', claims: { role: 'anon' }, jwt: '', authenticated: false };

export async function identifyCaller(req: IncomingMessage, keys: StackKeys, options: { allowInvalidJwt?: boolean } = {}): Promise<Caller> {
  const jwt = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  if (!jwt && options.allowInvalidJwt) return ANONYMOUS;
  try {
    const claims = await verifyToken(keys, jwt);
    if (!claims.role || !API_ROLES.has(claims.role)) throw ERRORS.accessDenied('Access denied: Invalid role', 403);
    return {
      role: claims.role,
      claims: { ...claims },
      jwt,
      owner: typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined,
      authenticated: true,
    };
  } catch (error) {
    if (options.allowInvalidJwt) return ANONYMOUS;
    if (error instanceof Error && 'code' in error && error.code === 'AccessDenied') throw error;
    throw ERRORS.accessDenied(error instanceof Error && error.message ? error.message : 'Invalid JWT');
  }
}
