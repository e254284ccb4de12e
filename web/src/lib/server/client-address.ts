// The browser's address, for Auth's per-address limits (see ClientOptions in supabase.ts).
// adapter-node reads it from ADDRESS_HEADER / XFF_DEPTH, which `npm start` sets from
// MRPROMPT_TRUSTED_PROXY_DEPTH. A depth larger than the chain of proxies really in front
// makes adapter-node's getClientAddress() throw, and every sign-in would answer 500.
import type { RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';

type AddressSource = Pick<RequestEvent, 'getClientAddress' | 'platform' | 'request'>;

/**
 * Set once a request's header has shown the setting to be wrong: from then on no request's
 * header is believed. With a depth larger than the real chain, the address adapter-node reads
 * from a header that is long enough is one the client wrote itself — a fresh sign-in limit for
 * every guess — so a header that happens to be long enough is no better than a short one.
 */
let headerDistrusted = false;

/**
 * The browser's address as the configured proxies report it; once they cannot (the header is
 * missing, or names fewer addresses than XFF_DEPTH), the address of the connection itself for
 * this request and every later one — the nearest proxy, so everyone behind it shares one limit,
 * as they would with no address at all, rather than the sign-in failing — and the administrator
 * is told once. Undefined only where Node gives no socket address either.
 */
export function clientAddress(event: AddressSource): string | undefined {
  if (!headerDistrusted) {
    try {
      return event.getClientAddress();
    } catch {
      headerDistrusted = true;
      console.warn(misconfiguredProxyWarning(event.request.headers));
    }
  }
  return event.platform?.req?.socket?.remoteAddress;
}

/**
 * Names the setting and how many addresses the request carried, never the addresses
 * themselves: they are the visitors' personal data, and the count is what the setting must match.
 */
function misconfiguredProxyWarning(headers: Headers): string {
  const header = env.ADDRESS_HEADER?.trim().toLowerCase() ?? '';
  const depth = env.XFF_DEPTH?.trim() || '1';
  const value = header ? headers.get(header) : null;
  const seen = value === null ? 0 : value.split(',').filter((entry) => entry.trim()).length;
  const problem = header === 'x-forwarded-for'
    ? `MRPROMPT_TRUSTED_PROXY_DEPTH (adapter-node's XFF_DEPTH) is ${depth}, but a request's X-Forwarded-For named ${seen} ` +
      `address${seen === 1 ? '' : 'es'}. Set it to the number of reverse proxies of your own in front of the web app (1 for one, such as Caddy or nginx)`
    : `ADDRESS_HEADER is ${header || '(empty)'}, but a request did not carry it. Have every proxy in front set it, or unset ADDRESS_HEADER`;
  return (
    `mrprompt web: the browser's address could not be read: ${problem}. Until the web app is restarted with it set right, ` +
    `every request is counted by the address of the connection (the nearest proxy), whatever its header says — a client ` +
    `could write a header long enough itself — so the people behind it share one sign-in limit. This is said once.`
  );
}
