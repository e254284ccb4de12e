/**
 * The `verify_jwt` check of the CLI's main service (https://supabase.com/docs/guides/functions/auth): `Authorization: Bearer <JWT>`
 * verified with the stack's keys (ES256 through the JWKS, HS256 with the legacy secret);
 * any valid token passes, the anon key included. Failures carry the CLI's exact bodies.
 */
import type { StackKeys } from '../keys/index.ts';
import { verifyToken } from '../keys/index.ts';

export interface JwtRejection {
  status: 401;
  body: { msg: string };
}

/** undefined when the request may pass, else the 401 to answer. */
export async function checkJwt(authorization: string | undefined, keys: StackKeys): Promise<JwtRejection | undefined> {
  if (!authorization) return reject('Error: Missing authorization header');
  const [scheme, token, ...extra] = authorization.split(' ');
  if (scheme !== 'Bearer' || !token || extra.length > 0) return reject("Error: Auth header is not 'Bearer {token}'");
  try {
    await verifyToken(keys, token);
    return undefined;
  } catch {
    return reject('Invalid JWT');
  }
}

function reject(msg: string): JwtRejection {
  return { status: 401, body: { msg } };
}
