/**
 * Guards user-supplied provider base URLs (custom, ollama) against server-side request
 * forgery. The host is resolved once, every address is checked (lib/ip-policy.ts), and the
 * request is sent to one of exactly those addresses (lib/pinned-fetch.ts) — there is no
 * second lookup for a rebinding DNS server to answer differently.
 *  - Always: no credentials in the URL, http(s) only, no cloud-metadata or link-local
 *    address in any spelling, redirects never followed, and error bodies from the endpoint
 *    are not passed on (the endpoint is the user's choice, its text is not ours to echo).
 *  - Unless the operator sets ALLOW_PRIVATE_PROVIDER_URLS=true (for Ollama on localhost):
 *    https only, and every address must be public.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../config.ts';
import type { AppDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { classifyAddress } from './ip-policy.ts';
import { createPinnedFetch, type PinnedFetchFactory, type PinnedTarget } from './pinned-fetch.ts';

export { isPrivateAddress } from './ip-policy.ts';

export type Lookup = NonNullable<AppDeps['lookup']>;

const defaultLookup: Lookup = async (host) => await dnsLookup(host, { all: true, verbatim: true });

const PRIVATE_REFUSED =
  'The base URL points to a private, loopback or link-local address, which this server does not allow. ' +
  'To use a provider on your own network (such as Ollama on localhost), the server operator can set ALLOW_PRIVATE_PROVIDER_URLS=true ' +
  '(in supabase/functions/.env, or the environment of `npm start`).';
const METADATA_REFUSED = 'The base URL points to a cloud metadata or link-local address, which is never allowed';

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError(422, 'unsafe_base_url', 'The base URL is not a valid URL');
  }
  if (url.username || url.password) throw new ApiError(422, 'unsafe_base_url', 'The base URL must not contain credentials');
  return url;
}

/**
 * Resolves a provider URL once and checks every address. Throws 422 `unsafe_base_url`
 * unless it may be called; returns the host and the approved addresses to connect to.
 */
export async function resolveProviderTarget(raw: string, config: Config, lookup: Lookup = defaultLookup): Promise<{ url: URL; target: PinnedTarget }> {
  const url = parseUrl(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiError(422, 'unsafe_base_url', 'The base URL must be http(s)');
  if (!config.allowPrivateProviderUrls && url.protocol !== 'https:') {
    throw new ApiError(422, 'unsafe_base_url', 'The base URL must use https');
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = (await lookup(hostname)).map((a) => a.address);
    } catch {
      throw new ApiError(422, 'unsafe_base_url', `The host ${hostname.slice(0, 253)} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new ApiError(422, 'unsafe_base_url', `The host ${hostname.slice(0, 253)} could not be resolved`);
  const classes = addresses.map(classifyAddress);
  if (classes.includes('metadata')) throw new ApiError(422, 'unsafe_base_url', METADATA_REFUSED);
  if (!config.allowPrivateProviderUrls && classes.some((c) => c !== 'public')) throw new ApiError(422, 'unsafe_base_url', PRIVATE_REFUSED);
  return { url, target: { hostname, addresses } };
}

/** Throws 422 `unsafe_base_url` unless the URL may be called (used when a URL is saved). */
export async function assertSafeProviderUrl(raw: string, config: Config, lookup?: Lookup): Promise<URL> {
  return (await resolveProviderTarget(raw, config, lookup)).url;
}

/**
 * A fetch for user-chosen endpoints: resolves and checks the target on every call (DNS may
 * have changed since the URL was saved), connects to the checked address only, never
 * follows redirects, and replaces error bodies with an empty one.
 */
export function guardedFetch(config: Config, lookup?: Lookup, transport: PinnedFetchFactory = createPinnedFetch): typeof fetch {
  return async (input, init) => {
    const raw = input instanceof Request ? input.url : String(input);
    const { target } = await resolveProviderTarget(raw, config, lookup);
    const response = await transport(target)(input, { ...init, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ApiError(502, 'provider_redirect', 'The provider answered with a redirect, which is not followed for safety; check the base URL');
    }
    if (response.status >= 400) {
      await response.body?.cancel();
      const headers = new Headers({ 'content-type': 'application/json' });
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter) headers.set('retry-after', retryAfter);
      return new Response('{}', { status: response.status, statusText: '', headers });
    }
    return response;
  };
}
