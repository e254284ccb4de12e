/**
 * Guards user-supplied provider base URLs (custom, ollama) against server-side request
 * forgery: https only, no credentials in the URL, and every address the host resolves to
 * must be public — not loopback, private, link-local, unique-local, CGNAT, multicast,
 * reserved or IPv4-mapped/NAT64. ALLOW_PRIVATE_PROVIDER_URLS=true (the local stack, for
 * Ollama on localhost) lifts both rules. guardedFetch re-checks at request time and refuses
 * redirects, so a URL that passed when saved cannot later point inward.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../config.ts';
import type { AppDeps } from './context.ts';
import { ApiError } from './errors.ts';

export type Lookup = NonNullable<AppDeps['lookup']>;

const defaultLookup: Lookup = async (host) => await dnsLookup(host, { all: true, verbatim: true });

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

// [network, prefix length] pairs of IPv4 ranges that are not the public internet.
const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function isBlockedIPv4(ip: string): boolean {
  const value = ipv4ToInt(ip);
  return V4_BLOCKED.some(([net, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((value & mask) >>> 0) === ((ipv4ToInt(net) & mask) >>> 0);
  });
}

/** Expands an IPv6 address (with optional embedded IPv4 tail) to eight 16-bit groups. */
function ipv6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToInt(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array(Math.max(0, fill)).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function isBlockedIPv6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (!g) return true; // unparseable: refuse
  const allZeroPrefix = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroPrefix(7) && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
  if (allZeroPrefix(5) && g[5] === 0xffff) return true; // ::ffff:0:0/96 IPv4-mapped
  if (allZeroPrefix(6)) return true; // ::/96 IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b) return true; // 64:ff9b::/96 NAT64
  if ((g[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  if (g[0] === 0x2002) return isBlockedIPv4(`${g[1] >> 8}.${g[1] & 255}.${g[2] >> 8}.${g[2] & 255}`); // 6to4
  return false;
}

/** True when an IP address is not a public internet address. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const kind = isIP(bare);
  if (kind === 4) return isBlockedIPv4(bare);
  if (kind === 6) return isBlockedIPv6(bare);
  return true;
}

/**
 * Throws 422 `unsafe_base_url` unless the URL may be called. Resolves the host and checks
 * every address (a name with one private address among public ones is refused).
 */
export async function assertSafeProviderUrl(raw: string, config: Config, lookup: Lookup = defaultLookup): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError(422, 'unsafe_base_url', 'The base URL is not a valid URL');
  }
  if (url.username || url.password) throw new ApiError(422, 'unsafe_base_url', 'The base URL must not contain credentials');
  if (config.allowPrivateProviderUrls) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiError(422, 'unsafe_base_url', 'The base URL must be http(s)');
    return url;
  }
  if (url.protocol !== 'https:') throw new ApiError(422, 'unsafe_base_url', 'The base URL must use https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch {
      throw new ApiError(422, 'unsafe_base_url', `The host ${host} could not be resolved`);
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new ApiError(422, 'unsafe_base_url', 'The base URL points to a private, loopback or link-local address, which this server does not allow');
  }
  return url;
}

/**
 * A fetch for user-chosen endpoints: checks the target on every call (DNS may have changed
 * since the URL was saved) and never follows redirects, which could lead inward.
 */
export function guardedFetch(baseFetch: typeof fetch, config: Config, lookup?: Lookup): typeof fetch {
  return async (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    await assertSafeProviderUrl(target, config, lookup);
    const response = await baseFetch(input, { ...init, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ApiError(502, 'provider_redirect', 'The provider answered with a redirect, which is not followed for safety; check the base URL');
    }
    return response;
  };
}
