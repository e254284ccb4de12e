/**
 * Token verification with a small cache: the same service-role key or user token arrives
 * with every REST broadcast, every join of a device and every function call (the gateway's
 * verify_jwt), and a signature check per message or request would sit on the hot path. A cached result is used only while the token's `exp` is in
 * the future; the cache holds at most MAX_ENTRIES tokens (oldest dropped first).
 */
import { verifyToken, type StackKeys, type VerifiedClaims } from './index.ts';

const MAX_ENTRIES = 1000;

export type TokenVerifier = (token: string) => Promise<VerifiedClaims>;

export function cachedVerifier(keys: StackKeys): TokenVerifier {
  const cache = new Map<string, VerifiedClaims>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit && typeof hit.exp === 'number' && hit.exp * 1000 > Date.now()) return hit;
    if (hit) cache.delete(token);
    const claims = await verifyToken(keys, token);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(token, claims);
    return claims;
  };
}
