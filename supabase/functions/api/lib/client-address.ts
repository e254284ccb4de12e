/**
 * The address a signed-out caller is counted by (lib/address-rate-limit.ts), read from what the
 * platform's gateway in front of the function reports — never from what the caller could write:
 *  - `Sb-Forwarded-For`, only on a request that carries the secret key as `apikey`: the web app's
 *    server vouching for the browser it asks for, as hosted Supabase Auth's "IP address
 *    forwarding" does (the local gateway honours it the same way and writes it to X-Real-IP);
 *  - else `X-Real-IP`, which the gateway sets to the address it took the request from;
 *  - else the first `X-Forwarded-For` entry, where hosted Supabase's Edge Functions gateway puts
 *    the request's client address (https://github.com/orgs/supabase/discussions/7884). Taking
 *    the last would risk counting every caller as one internal proxy and refusing them all
 *    together; a platform that passes a caller's own entry through lets that caller pick
 *    buckets, which leaves each read bounded by its own cost, as before this limit.
 * An IPv6 address is counted by its /64, since one subscriber is usually given a whole /64 and
 * may pick any address in it; an IPv4-mapped one as the IPv4 address it is. A header that is
 * there but names no address (`X-Forwarded-For: unknown`) is counted in one bucket shared by
 * every such caller (UNREADABLE_ADDRESS): writing garbage must not turn the limit off.
 */
import ipaddr from 'ipaddr.js';

/** The bucket key of one address: `a.b.c.d`, or `x:x:x:x::/64`; null for anything else. Local
 * Auth counts its clients by the same rule (local/src/auth/http.ts clientKey). */
export function addressKey(text: string): string | null {
  const bare = text.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // Four-part decimal only: ipaddr.js would read `0x7f.1` or `2130706433` as addresses too.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare).toString();
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const v6 = ipaddr.IPv6.parse(bare);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = [...v6.toByteArray().slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0];
  return `${ipaddr.fromByteArray(prefix).toString()}/64`;
}

/** The bucket of every caller whose header names no address: no client ever comes from it. */
export const UNREADABLE_ADDRESS = '0.0.0.0';

/**
 * The caller's bucket key: the address the first non-empty header names, UNREADABLE_ADDRESS when
 * it names none (or every header is empty), or null when no gateway header is there at all (the
 * function run bare, as tests do: nothing says who asks).
 */
export function clientAddress(headers: Headers, secretKey: string | null): string | null {
  const vouched = secretKey && sameText(headers.get('apikey') ?? '', secretKey) ? headers.get('sb-forwarded-for') : null;
  const real = headers.get('x-real-ip');
  const forwarded = headers.get('x-forwarded-for');
  if (vouched === null && real === null && forwarded === null) return null;
  const first = (list: string | null) => list?.split(',').map((entry) => entry.trim()).find(Boolean);
  const reported = first(vouched) || real?.trim() || first(forwarded);
  return (reported && addressKey(reported)) || UNREADABLE_ADDRESS;
}

/** Equal strings, compared in time that does not depend on where they first differ. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let difference = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}
