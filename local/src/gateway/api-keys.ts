/**
 * The API-key mapping (https://supabase.com/docs/guides/api/api-keys), exactly as the Supabase CLI's Kong applies it: a
 * user JWT in Authorization is kept; otherwise the secret key becomes the service_role JWT,
 * the publishable key the anon JWT, and anything else in `apikey` is copied as-is.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StackKeys } from '../keys/index.ts';

type KeyPair = Pick<StackKeys, 'publishableKey' | 'secretKey' | 'anonKey' | 'serviceRoleKey'>;

/** The Authorization header a service behind the gateway receives (undefined: none). */
export function mapAuthorization(headers: IncomingHttpHeaders, keys: KeyPair): string | undefined {
  const authorization = single(headers.authorization);
  if (authorization && !authorization.startsWith('Bearer sb_')) return authorization;
  // An sb_ key in Authorization with no apikey header is treated as if sent as apikey.
  const apikey = single(headers.apikey) ?? authorization?.slice('Bearer '.length);
  if (apikey === undefined) return undefined;
  if (apikey === keys.secretKey) return `Bearer ${keys.serviceRoleKey}`;
  if (apikey === keys.publishableKey) return `Bearer ${keys.anonKey}`;
  return apikey;
}

/** The WebSocket `apikey` query parameter, mapped the same way (unknown values unchanged). */
export function mapApiKeyParam(value: string, keys: KeyPair): string {
  if (value === keys.secretKey) return keys.serviceRoleKey;
  if (value === keys.publishableKey) return keys.anonKey;
  return value;
}

/** Rewrites the query of a realtime upgrade URL in place of the opaque key. */
export function mapUpgradeUrl(url: string, keys: KeyPair): string {
  const parsed = new URL(url, 'http://gateway.invalid');
  const apikey = parsed.searchParams.get('apikey');
  if (apikey !== null) parsed.searchParams.set('apikey', mapApiKeyParam(apikey, keys));
  return parsed.pathname + parsed.search;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
