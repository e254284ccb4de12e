/**
 * Signed URL tokens as the Storage API makes them (src/storage/object.ts): an HS256 JWT with
 * the project's JWT secret holding `url` (`<bucket>/<object name>`) and `scope` (`download`
 * or `upload`; an upload token adds `owner` and `upsert`). Verification checks signature,
 * expiry, scope and that the token names exactly the requested object.
 */
import { createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { ERRORS } from './errors.ts';

export type SignedScope = 'download' | 'upload';

export interface SignedToken {
  url: string;
  scope: SignedScope;
  exp: number;
  owner?: string;
  upsert?: boolean;
}

export async function signObjectToken(
  secret: string,
  claims: { url: string; scope: SignedScope; owner?: string; upsert?: boolean },
  expiresInSeconds: number,
): Promise<string> {
  return await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(createSecretKey(Buffer.from(secret)));
}

export async function verifyObjectToken(secret: string, token: string, url: string, scope: SignedScope): Promise<SignedToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createSecretKey(Buffer.from(secret)), { algorithms: ['HS256'], requiredClaims: ['exp'] }));
  } catch (error) {
    throw ERRORS.invalidJwt(error instanceof Error ? error.message : undefined);
  }
  if (payload.scope !== scope) throw ERRORS.invalidSignature(`Token is not scoped for ${scope}`);
  if (payload.url !== url) throw ERRORS.invalidSignature();
  const exp = Number(payload.exp);
  if (exp * 1000 < Date.now()) throw ERRORS.expiredSignature();
  return {
    url,
    scope,
    exp,
    owner: typeof payload.owner === 'string' ? payload.owner : undefined,
    upsert: payload.upsert === true,
  };
}
