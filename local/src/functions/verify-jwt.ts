/**
 * The `verify_jwt` check of the CLI's main service (https://supabase.com/docs/guides/functions/auth): `Authorization: Bearer <JWT>`
 * verified with the stack's keys (ES256 through the JWKS, HS256 with the legacy secret);
 * any valid token passes, the anon key included. Failures carry the CLI's exact bodies.
 * `verify` is the stack's cached verifier (keys/token-cache.ts): a client sends the same
 * token with every call.
 */
import type { TokenVerifier } from '../keys/token-cache.ts';

export interface JwtRejection {
  status: 401;
  body: { msg: string };
}

/** undefined when the request may pass, else the 401 to answer. */
export async function checkJwt(authorization: string | undefined, verify: TokenVerifier): Promise<JwtRejection | undefined> {
  if (!authorization) return reject('Error: Missing authorization header');
  const [scheme, token, ...extra] = authorization.split(' ');
  if (scheme !== 'Bearer' || !token || extra.length > 0) return reject("Error: Auth header is not 'Bearer {token}'");
  try {
    await verify(token);
    return undefined;
  } catch {
    return reject('Invalid JWT');
  }
}

function reject(msg: string): JwtRejection {
  return { status: 401, body: { msg } };
}
