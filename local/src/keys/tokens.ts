/** Signing and verifying the JWTs the local stack issues, exactly as GoTrue shapes them
 * (https://supabase.com/docs/guides/auth/jwt-fields). */
import { createSecretKey } from 'node:crypto';
import { SignJWT, createLocalJWKSet, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { StackKeys } from './index.ts';

/** Legacy anon/service_role key, as the Supabase CLI makes them (HS256, no iat). */
export async function signLegacyToken(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  return await new SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(1983812996)
    .sign(createSecretKey(Buffer.from(secret)));
}

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  role: string;
  aal: 'aal1' | 'aal2' | 'aal3';
  amr: { method: string; timestamp: number }[];
  session_id: string;
  is_anonymous: boolean;
}

/**
 * An ES256 user access token with the signing key's kid. Auth passes the session it was issued
 * for (`session_id`); a token signed without one (tests, benches, tools) names no session, and
 * is then not tied to one — the database refuses a token whose named session has been signed
 * out (public.session_is_live), and a made-up one would be.
 */
export async function signAccessToken(
  keys: StackKeys,
  claims: Partial<AccessTokenClaims> & { sub: string },
  options: { expiresInSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload = {
    aud: 'authenticated',
    email: '',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: iat }],
    is_anonymous: false,
    ...claims,
  };
  const key = await importJWK(keys.signingKey, 'ES256');
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: keys.signingKey.kid, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInSeconds ?? 3600))
    .sign(key);
}

export type VerifiedClaims = JWTPayload & { role?: string; session_id?: string; email?: string };

/**
 * Verifies a token the stack issued: ES256 through the JWKS, or HS256 with the legacy
 * secret. `alg: none` and anything else is refused. Requires `exp` and `role` (as Realtime
 * and the functions gateway do).
 */
export async function verifyToken(keys: StackKeys, token: string): Promise<VerifiedClaims> {
  const jwks = createLocalJWKSet(keys.jwks as { keys: JWK[] });
  const secret = createSecretKey(Buffer.from(keys.jwtSecret));
  const { payload } = await jwtVerify(token, async (header) => (header.alg === 'HS256' ? secret : jwks(header)), {
    algorithms: ['ES256', 'HS256'],
    requiredClaims: ['exp'],
  });
  if (typeof payload.role !== 'string') throw new Error('token has no role claim');
  return payload as VerifiedClaims;
}
